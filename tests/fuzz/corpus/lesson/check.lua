-- Lesson 9: the seed's two questions, verbatim, with explanations that
-- point back at the student's own runs.
return lesson {
  title = "Check your understanding",
  must_answer = true,   -- the module ends on these two: no skipping

  text [[
# Two questions

The module ends with two questions. Answer with the number of a choice (or its text). Type hint if you are stuck; each hint points back at something you ran.
]],

  quiz {
    q = "What is the primary advantage of using parallel computing in AI development?",
    choices = {
      "The workers run one after another, so the output always comes out in a predictable order",
      "Results come sooner: a task is split into subtasks that run at the same time on several processors",
      "Adding more workers always makes a program faster, however many CPUs the machine has",
      "Any program uses all of the machine's CPUs by itself, without being split into subtasks",
    },
    answer = 2,
    explain = [[
Parallel computing splits a task into subtasks that run simultaneously, so the whole task takes less wall time, as long as there are CPUs free for them. In lesson 4, up to ${ncpu} busy workers could run at the same moment on this machine's ${ncpu} CPUs{screen: (their lanes running together)}; while two did, twice the work was being done in the time of one. Where other programs held the CPUs, yours took turns instead, and the notes after those runs said so. For AI work (preparing data, training on batches, trying many model settings) that is what turns hours into minutes.

The other choices are beliefs your own runs contradicted. The five workers printed in the order each one reached its print, which the scheduler decided, and with 50 ms of work each the order could change from one run to the next. The 8 and 32 busy workers could never run more than ${ncpu} at once on ${ncpu} CPUs: the rest waited their turn (the waited column of the statistics{screen:, ░ in the lanes when you zoom in}). Past the number of CPUs, more workers add waiting, not speed. And 1 busy worker kept just one CPU busy: a program has to be split into subtasks, as example1.py does, before it can use more.
]],
    hints = {
      "Think of lesson 4: how many busy workers could run at the same moment on ${ncpu} CPUs, and what running together does to the time a piece of work takes.",
      "Two of the wrong choices were contradicted by your own runs: the order of the Worker lines, and the 8 and 32 busy workers.",
    },
  },

  quiz {
    q = "Which library is commonly used for distributed computing in Python?",
    choices = { "threading", "asyncio", "multiprocessing", "Dask" },
    answer = 4,
    explain = [[
Dask (and Ray, which the module also names) spreads work over many machines. You ran it in example2.py: Dask planned the mean as small tasks over partitions of the CSV (just one partition for a file that small), ran them on its pool of worker threads and combined the results into Mean value: 42.5. Pointed at a cluster, the same code runs across machines.

The others stay on one machine. threading runs threads inside one process, like the 4 and 8 threads waiting for data: distributed does not mean multithreaded. asyncio interleaves many waiting tasks within a single thread. multiprocessing, as in example1.py, starts processes on this machine only.
]],
    hints = {
      "The section \"Exploring Distributed Computing\" names two libraries.",
      "Three of the choices never leave this one machine; the fourth is the one you ran on a CSV file.",
    },
  },
}
