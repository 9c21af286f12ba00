-- "Concurrency you can see": the second bundled course. Every run uses
-- parlab's own workers and the blocks they share (docs/lessons.md,
-- "Workers that coordinate"); every question is judged by the student's
-- own run, and no note asserts a number the run might not show.
return course {
  title = "Concurrency you can see",
  lessons = {
    "01-cpu-io.lua",
    "02-amdahl.lua",
    "03-race.lua",
    "04-queue.lua",
    "05-deadlock.lua",
    "06-semaphore.lua",
  },
}
