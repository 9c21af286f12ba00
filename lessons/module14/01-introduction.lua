-- Lesson 1: the seed's header and introduction, then this machine.
return lesson {
  title = "Introduction",

  text [[
Module 14 of 21 · Advanced Python for AI Development · Intermediate

# Parallel and Distributed Computing

Duration: 8 min

This module delves into the realm of parallel and distributed computing, essential for optimizing AI tasks that require significant computational power. By leveraging multiple processors and computers, we can achieve faster processing times and handle larger datasets, which is crucial for modern AI applications.
]],

  text { title = "This machine", body = [[
"Multiple processors" is not an idea on paper here. This machine has ${ncpu} CPUs, and every run in this module uses them for real: parlab starts real processes and threads and shows you what the operating system does with them.

{screen:
When a run starts, look at the right-hand side of the screen:

- The timeline: one lane per CPU and one lane per task (a process or a thread). █ means running on a CPU, ░ means ready but waiting for a CPU, · means sleeping (waiting for something else, such as a timer or data).
- The output: every line a worker prints, with the time it arrived and the worker that printed it, each worker in its own colour.

Type next to go to the next step and back to go back. On a run step, type run to start it (and run again to repeat it). Type help for everything else.
}
{batch:
This is the batch transcript: the steps follow one another, and each run runs once, as it comes. After each run you find:

- The output: every line a worker printed, with the time it arrived and the worker that printed it.
- A table of the run's tasks (processes and threads): how long each one ran on a CPU (cpu time), how long it was ready but waited for a CPU (waited), and on which CPUs it ran.
- Statistics: how many tasks ran at the same moment, how busy each CPU was, and how much of it other programs took.

Started without --batch, parlab shows the same lessons on the screen, with a live timeline of every CPU and every task.
}

The reading takes about 8 minutes; the runs add a few more. {screen: Type next to begin.}
]] },
}
