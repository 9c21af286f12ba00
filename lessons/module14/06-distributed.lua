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

With Dask, the same code runs on a laptop or on a cluster; only the scheduler behind it changes. The next lesson runs the module's Dask example on this machine. {screen: Type next.}
]] },
}
