-- Lesson 6: the seed's "Exploring Distributed Computing".
return lesson {
  title = "Exploring Distributed Computing",

  text [[
# Exploring Distributed Computing

Distributed computing extends the concept of parallel computing to multiple computers, allowing for even greater scalability. Libraries such as Dask and Ray are designed to handle distributed computing tasks, enabling efficient processing of large datasets across clusters of machines.
]],

  text { title = "From many CPUs to many machines", body = [[
So far every worker ran on this one machine and shared its ${ncpu} CPUs, its memory and its disk. You saw the limit: past ${ncpu} busy workers, the extra ones only wait.

A distributed system spreads the workers over several computers (nodes) joined by a network. Together they have more CPUs and more memory than any one machine. The price: data has to travel between them over the network, and each machine can fail on its own.

The two libraries the module names:

- Dask looks like pandas and NumPy, but cuts the data into partitions and turns a computation into a graph of small tasks. A scheduler runs those tasks on threads, on processes, or on the machines of a cluster.
- Ray runs ordinary Python functions and classes as tasks and actors spread across a cluster; it is widely used to train and tune models on many machines.

With Dask, the same code runs on a laptop or on a cluster; only the scheduler behind it changes. The next lesson runs the module's Dask example on this machine. First, what Ray does differently. {screen: Type next.}
]] },

  text { title = "What Ray does differently", body = [[
Dask and Ray both spread Python work over the processes of one machine or of many. They differ in what you write and in how they run it:

- You write Ray's tasks and actors yourself, as plain Python. A function marked @ray.remote is a task: f.remote(x) starts it in one of Ray's worker processes and at once returns a reference to its future result; ray.get(...) waits for the value. A class marked @ray.remote is an actor: its object lives in a worker process of its own and keeps its state from one call to the next. With Dask you mostly use its collections (a dataframe, an array), and Dask writes the task graph for you.
- Ray has its own object store: on each machine, one store in shared memory that all of Ray's processes there read. ray.put(x) puts x there once; the tasks on that machine read it without each getting a copy of its own (NumPy arrays not even copied). A Dask worker keeps its results in its own memory and sends them to the workers that need them.
- Ray has its own scheduler, spread out: each machine runs a local scheduler (the raylet) that starts tasks on its own workers as their CPUs, GPUs and memory allow, and passes on what it cannot run. Dask's distributed scheduler is one process that decides for the whole cluster.
- Ray aims at machine learning: training and tuning models on many machines (Ray Train, Ray Tune), serving them (Ray Serve), reinforcement learning (RLlib). Dask aims at data analysis in the style of pandas and NumPy, on data bigger than one machine's memory.

Ray is not packaged for Debian 12: there is no python3-ray to install with apt-get. It comes from PyPI, with pip install ray. Debian 12 lets pip install only into a virtual environment (python3 -m venv DIR, then DIR/bin/pip install ray); PARLAB_PYTHON=DIR/bin/python3 then makes parlab run Python programs with it.

The next program computes the mean of the next lesson's example with Ray: a task per chunk of the column (six of them), each result handed to an actor that adds them up. It runs only where ray can be imported; elsewhere the step says that Ray is not installed here, and the course goes on. {screen: Type next.}
]] },

  code { file = "example2_ray.py" },

  run {
    title = "The mean with Ray",
    command = { "python3", "example2_ray.py" },
    files = { "example2_ray.py" },
    python = { "ray" },
    optional = true,   -- Ray is not in Debian 12: where it is missing, the step says so and is not run
    csv = { file = "large_dataset.csv", rows = 200000, column = "column_name", mean = 42.5 },
    timeout = 120,
    note = function(run)
      if run.ended == "not run" then return nil end   -- the step said why, in its output
      local mean
      for _, o in ipairs(run.output) do mean = mean or o.text:match("^Mean value: ([%d.]+)") end
      local procs, threads = 0, 0
      for _, k in ipairs(run.tasks) do
        if k.thread then threads = threads + 1 elseif k.name ~= "parlab" then procs = procs + 1 end
      end
      local t = {}
      if mean then
        t[#t + 1] = ("Your run printed Mean value: %s; the file was made with a mean of 42.5."):format(mean)
      else
        t[#t + 1] = "Your run printed no mean: its output above says what went wrong."
      end
      t[#t + 1] = (" %d processes and %d threads took part: your program, and Ray's own: its scheduler and object store, and the worker processes that ran the tasks and the actor. Starting them took most of the run: like a Dask cluster, Ray is started once and then serves many computations."):format(procs, threads)
      return table.concat(t) .. " {screen: Type next.}"
    end,
  },
}
