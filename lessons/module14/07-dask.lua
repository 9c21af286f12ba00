-- Lesson 7: example2.py, run for real on a generated CSV whose mean is
-- known in advance (42.5), so the printed "Mean value:" can be checked.
return lesson {
  title = "Dask on a large CSV file",

  text [[
# example2.py

The module's second example uses Dask to compute the mean of one column of a large CSV file. Read it{screen:, then type next}.
]],

  code { file = "example2.py" },

  text [[
# Reading example2.py

- dd.read_csv('large_dataset.csv') does not read the file yet. It plans: the file is cut into partitions (blocks of up to 64 MB by default), each one a small pandas DataFrame.
- ddf['column_name'].mean() does not compute anything yet either. It builds a task graph: a sum and a count for every partition, then one task that combines them into the mean.
- .compute() runs the graph. On one machine, Dask's default scheduler for a dataframe is a pool of threads, one per CPU.

The module does not come with a large_dataset.csv, so parlab generates one in the run's folder before the program starts: 200000 rows, with a column named column_name whose values are chosen so that their mean is exactly 42.5.

So you know the right answer before Dask computes it: the program should print Mean value: 42.5. parlab's first output line says what it generated.

{screen: Type next, then run. This one}{batch: This run} takes a few seconds: most of it is Python importing pandas and Dask. {screen: Watch the lanes of the python3 process, MainProcess: Dask's worker threads appear under it, named ThreadPoolExecutor-0_0, -0_1 and so on.}{batch: In the task table, Dask's worker threads are the ThreadPoolExecutor-0_N rows whose status is thread.}
]],

  run {
    title = "python3 example2.py (Dask)",
    command = { "python3", "example2.py" },
    files = { "example2.py" },
    python = { "dask.dataframe", "pandas" },
    csv = { file = "large_dataset.csv", rows = 200000, column = "column_name", mean = 42.5 },
    timeout = 120,
    note = [[
Check the last line: Mean value: 42.5, exactly the mean parlab built into the file. Dask read the CSV, computed a sum and a count per partition, and combined them.

{screen: In the timeline, the python3 process (MainProcess) has several thread lanes, ThreadPoolExecutor-0_N}{batch: In the task table, the python3 process (MainProcess) has several threads, ThreadPoolExecutor-0_N (its pid, their own tid)}: that is Dask's thread pool. This file is only a few MB, so Dask read it as one partition and one thread did most of the work. A file of many gigabytes would be cut into many partitions, and the threads (or, with a Dask cluster, the machines) would each take some. The code would stay exactly the same. {screen: Type next.}
]],
  },

  text [[
# The same mean on a Dask cluster

example2.py ran Dask's work on threads of its own process. A Dask cluster is made of a scheduler and worker processes, which on a real cluster run on other machines. dask.distributed can also start one on this machine, a LocalCluster: here, two worker processes with two threads each, reachable only from this machine. The computation is the same three lines; the CSV is cut into partitions of about 500 kB, so that there is work for both workers.

The scheduler hands each task (read and parse a partition, sum it, count it, combine the sums and the counts) to a free worker thread. When a task needs a result that another worker holds, the data moves between the workers. parlab records each task, on which worker thread it ran and for how long, and each move of data{batch:: the transcript lists them per worker after the run}. The run's note says how your cluster shared the work out.

Its first lines look for an existing cluster first: started as parlab --dask-scheduler tcp://HOST:PORT, parlab gives the program that scheduler's address (Dask's own setting, DASK_SCHEDULER_ADDRESS), and the same computation runs on that cluster's workers instead.
]],

  code { file = "example2_cluster.py" },

  run {
    title = "A local Dask cluster",
    command = { "python3", "example2_cluster.py" },
    files = { "example2_cluster.py" },
    python = { "dask.dataframe", "distributed" },
    csv = { file = "large_dataset.csv", rows = 200000, column = "column_name", mean = 42.5 },
    timeout = 180,
    note = function(run)
      -- The cluster's worker processes ("Dask Worker process (from
      -- Nanny)"), and the threads in them that ran Dask's tasks.
      local workers, threads = {}, 0
      for _, k in ipairs(run.tasks) do
        if not k.thread and k.name and k.name:find("Dask Worker process", 1, true) then
          workers[#workers + 1] = ("%d (%.0f ms of CPU)"):format(k.pid, k.cpu_ms or 0)
        elseif k.thread and k.name and k.name:find("^Dask%-Default%-Threads") and (k.cpu_ms or 0) > 0 then
          threads = threads + 1
        end
      end
      local parts
      for _, o in ipairs(run.output) do parts = parts or o.text:match("^(%d+) partitions") end
      local t = { "Mean value: 42.5 again, now computed by the cluster's worker processes, not by threads of the program's own." }
      if parts then t[#t + 1] = (" Dask cut the file into %s partitions."):format(parts) end
      if #workers > 0 then
        t[#t + 1] = (" Your cluster's worker processes were %s; %d of their threads (Dask-Default-Threads-PID-N) ran tasks."):format(table.concat(workers, " and "), threads)
      end
      -- On an existing cluster (parlab --dask-scheduler ADDR), the program
      -- started none: the workers were running before this run.
      local at, n
      for _, o in ipairs(run.output) do
        at = at or o.text:match("^Connecting to the cluster at (%S+)")
        n = n or o.text:match("^%d+ partitions, (%d+) worker process")
      end
      if at and run.failed then
        return ("The program could not use the cluster at %s: its last lines say why (for a scheduler that does not answer, Timed out trying to connect). Check the address dask-scheduler printed, or leave out --dask-scheduler to run on a cluster of this machine. {screen: Type next.}"):format(at)
      end
      -- Dask's own record of the work (run.dask): the tasks each worker
      -- ran, by key prefix, and the data moved between workers.
      local d = run.dask
      if d and #d.workers > 0 then
        local per, order, prefix_of = {}, {}, {}
        for i = 1, #d.workers do per[i] = { n = 0, by = {} } end
        for _, k in ipairs(d.tasks) do
          local w = per[k.worker]
          w.n = w.n + 1
          if not w.by[k.prefix] then w.by[k.prefix] = 0; order[#order + 1] = k.prefix end
          w.by[k.prefix] = w.by[k.prefix] + 1
          prefix_of[k.key] = k.prefix
        end
        local said, busy = {}, 0
        for i, w in ipairs(d.workers) do
          local by, seen = {}, {}
          for _, p in ipairs(order) do
            if per[i].by[p] and not seen[p] then seen[p] = true; by[#by + 1] = ("%s %d"):format(p, per[i].by[p]) end
          end
          local who = w.name ~= "" and ("worker %s (%s)"):format(w.name, w.where) or ("worker %s (%s)"):format(w.addr, w.where)
          if per[i].n > 0 then
            busy = busy + 1
            said[#said + 1] = ("%s ran %d task%s: %s"):format(who, per[i].n, per[i].n == 1 and "" or "s", table.concat(by, ", "))
          else
            said[#said + 1] = ("%s ran none"):format(who)
          end
        end
        t[#t + 1] = ("\n\nDask's own record of your run, %d tasks in all: %s."):format(d.ntasks, table.concat(said, "; "))
        if busy < #d.workers and #d.workers > 1 then
          t[#t + 1] = (" This time %d of the workers got no task: the scheduler gives each task to a free thread, and on a busy machine the same worker can be the free one every time."):format(#d.workers - busy)
        end
        if #d.transfers == 0 then
          t[#t + 1] = " No data moved between the workers: each task found what it needed where it ran."
        else
          local bytes, keys, kseen = 0, {}, {}
          for _, x in ipairs(d.transfers) do
            bytes = bytes + x.bytes
            local p = prefix_of[x.key]
            if p and not kseen[p] then kseen[p] = true; keys[#keys + 1] = p end
          end
          t[#t + 1] = (" Data moved between the workers %d time%s, %d bytes in all"):format(#d.transfers, #d.transfers == 1 and "" or "s", bytes)
          if #keys > 0 then
            t[#t + 1] = (": results of %s, sent to the worker whose task needed them."):format(table.concat(keys, ", "))
          else
            t[#t + 1] = "."
          end
          if bytes <= 4096 then
            t[#t + 1] = " Small results, so moving them cost little here; on a real cluster data crosses the network, and a computation that moves whole partitions pays for it."
          else
            t[#t + 1] = " Part of it was more than small results: on a real cluster that data crosses the network, which can cost more than computing on it."
          end
        end
      end
      if at then
        -- the cluster's workers on this machine, which parlab watched
        local here = {}
        for _, k in ipairs(run.tasks) do
          if not k.thread and k.name and k.name:find(", not this run's", 1, true) then here[#here + 1] = tostring(k.pid) end
        end
        local seen = #here > 0 and (", so parlab watched the ones on this machine (%s) only from the moment they joined this run"):format(table.concat(here, " and "))
          or ", so parlab shows the tasks they ran but not their processes"
        t[#t + 1] = ("\n\nYour computation ran on the cluster at %s, on its %sworker processes; its workers were not started by this run%s, and it leaves them running: a real cluster is started once and serves many computations. {screen: Type next.}"):format(at, n and n .. " " or "", seen)
        return table.concat(t)
      end
      t[#t + 1] = "\n\nThe scheduler and the nannies that start and watch the workers run as threads of the parent, MainProcess (its IO loop, AsyncProcess ...)."
      local busy = 0
      for _, k in ipairs(run.dask and run.dask.tasks or {}) do busy = busy + (k.ms or 0) end
      if busy > 0 and busy < run.wall_ms / 2 then
        t[#t + 1] = (" Dask's tasks kept its threads busy for %.0f ms in all, in a run of %.1f s: the rest went to starting Python, importing Dask and starting the cluster. A real cluster is started once and serves many computations."):format(busy, run.wall_ms / 1000)
      end
      t[#t + 1] = " {screen: Type next.}"
      return table.concat(t)
    end,
  },
}
