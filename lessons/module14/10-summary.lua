-- Lesson 10: what the student saw, and where the next courses go.
return lesson {
  title = "Summary",

  text [[
# What you saw

- Parallel computing breaks a task into subtasks that run at the same time. example1.py started five real processes; the timeline showed each one born, running on one of this machine's ${ncpu} CPUs, and exiting.
- The order of parallel output is the scheduler's choice, not the loop's. The module's tidy Worker: 0 to Worker: 4 listing is one possible run; with a little work per worker, the order could change from one run to the next.
- Speed-up stops at the number of CPUs. With 300 ms of work per worker, 1 and 2 workers took about 300 ms; with more workers than ${ncpu} CPUs, the extra workers waited (░) and the wall time grew with the work.
- A pool (concurrent.futures.ProcessPoolExecutor) starts a few worker processes once and gives them task after task.
- Distributed computing takes the same idea to many machines. Dask turned a mean over a CSV file into tasks over partitions and ran them on its workers; the printed mean, 42.5, matched the one built into the file.
- When data movement is the bottleneck, the CPUs sit idle: 4 and 8 threads waiting on the same slow link both needed about 1.6 s.

Look back at your own numbers: the finish times of the 1, 2, 4, 8 and 32 worker runs, and the 1.6 s of the threads waiting for data. They are this machine's answer to "how much faster can parallel make it?"

# Where next

- Concurrency you can see: CPU-bound and I/O-bound work, speed-up and Amdahl's law measured, races and locks, deadlock, producer/consumer queues.
- Python's parallel toolbox: processes and threads under the GIL, concurrent.futures, multiprocessing pools, shared memory.
- Distributed for real: a Dask cluster on this machine, the cost of moving data between workers.

This is the end of Module 14. Type back to revisit any step. To open another course, quit and start parlab with its folder or lesson file (parlab PATH); parlab list names the bundled ones, and help says it too.
]],
}
