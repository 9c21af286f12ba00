-- Module 14 of "Advanced Python for AI Development", as a parlab course.
-- The seed text, its two examples (example1.py, example2.py), the tip and
-- both questions appear in the seed's order; the runs between them let the
-- student see each claim happen on this machine's CPUs.
return course {
  title = "Module 14 · Parallel and Distributed Computing",
  lessons = {
    "01-introduction.lua",
    "02-parallel.lua",
    "03-processes.lua",
    "04-cores.lua",
    "05-pool.lua",
    "gil.lua",
    "06-distributed.lua",
    "07-dask.lua",
    "08-bandwidth.lua",
    "09-check.lua",
    "10-summary.lua",
  },
}
