-- Lesson 5: concurrent.futures, named in the seed's text: a pool of two
-- worker processes takes five tasks in turn.
return lesson {
  title = "concurrent.futures: a pool of workers",

  text [[
# concurrent.futures

The module names a second library for parallel computing: concurrent.futures.

example1.py starts one new process per task. For five tasks that is fine. For five thousand it is not: every process costs start-up time and memory, and you have just seen that workers beyond the ${ncpu} CPUs only wait.

A pool starts a fixed number of worker processes once, then hands them the tasks one after another. Here is the same subtask as in example1.py, given to a pool of two processes.
]],

  code { file = "futures_pool.py" },

  text [[
What is new:

- ProcessPoolExecutor(max_workers=2) starts a pool of two worker processes.
- pool.map(worker, range(5)) hands the five tasks to the pool and gives back their results.
- Leaving the with block waits until every task is done and shuts the pool down, like the join() loop of example1.py.
- worker returns its line instead of printing it, so the parent prints all five, with the id of the process that ran each task.

{screen: Type next, then run. In the timeline, count the processes (the lanes that are not indented: an indented lane is a thread of the process above it)}{batch: In the task table, count the processes (the rows whose status is not thread)}: the parent, MainProcess, and two pool workers, ForkProcess-1 and ForkProcess-2, not five. The parent's threads (on Python 3.11: Thread-1 and QueueFeederThread) are the pool's own helpers: they hand tasks to the workers and collect the results.
]],

  run {
    title = "python3 futures_pool.py",
    command = { "python3", "futures_pool.py" },
    files = { "futures_pool.py" },
    note = [[
Look at the process ids: five tasks, but only two different worker processes. Each pool process took a task, finished it, and took the next one, so only two processes had to be started instead of five.

The lines are in task order 0 to 4 because pool.map returns the results in the order of its input, even when task 3 finished before task 2. Which process ran which task was still the scheduler's choice: run it again {screen: (type run)} and the process ids can be shuffled differently. {screen: Type next.}
]],
  },
}
