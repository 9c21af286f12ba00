-- Every question type, in a fixed order the tests rely on:
-- step 1 choice, 2 multi, 3 text, 4 number, 5 order, 6 text by pattern.
return lesson {
  title = "Question types",
  quiz {
    q = "How many processes ran?",
    choices = { "one", "three", "five" },
    answer = 2,
    explain = "Three worker processes were forked.",
  },
  quiz {
    type = "multi",
    q = "Which of these run in parallel on several CPUs?",
    choices = { "processes", "a single thread", "threads", "a coroutine" },
    answer = { 3, 1 },
    retries = 3,
    explain = "Processes and threads can run on several CPUs at once.",
  },
  quiz {
    type = "text",
    q = "Which Python library spreads pandas-like work over a cluster?",
    accept = { "Dask", "dask.distributed" },
    explain = "Dask splits data frames into partitions.",
  },
  quiz {
    type = "number",
    q = "How many CPUs does a run of two busy threads keep busy?",
    answer = 2,
    tolerance = 0.5,
    explain = "Two threads, two CPUs.",
  },
  quiz {
    type = "order",
    q = "Put the life of a worker process in order.",
    items = { "fork", "run", "exit" },
    answer = { 1, 2, 3 },
    explain = "A process is forked, runs, and exits.",
  },
  quiz {
    type = "text",
    q = "Name a Python framework for distributed computing other than Dask.",
    patterns = { "^ray", "^spark$" },
    retries = 1,
  },
  quiz {
    type = "order",
    q = "Order these from fastest to slowest.",
    items = { "disk", "cache", "memory" },
    answer = { 2, 3, 1 },
  },
}
