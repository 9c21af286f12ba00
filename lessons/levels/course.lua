-- "You are the scheduler": the third bundled course. Short levels, each a
-- stepped run (run{ stepper = true }) with a goal the engine judges on the
-- real state after each step (docs/lessons.md, "Stepped runs" and
-- "Goals"). The student picks which worker makes its next action; the
-- schedule, not the machine, decides what happens, so every statement
-- about what a schedule does holds on any machine, busy or not. Each
-- reachable goal has a stored solution and each claim a search bound
-- small enough to be searched whole: `parlab check --runs 1` replays and
-- searches them all (tests/batch/levels.sh).
return course {
  title = "You are the scheduler",
  lessons = {
    "01-lost-update.lua",
    "02-lock.lua",
    "03-deadlock.lua",
    "04-starvation.lua",
    "05-clever-lock.lua",
    "06-barrier.lua",
    "07-semaphore.lua",
  },
}
