-- Lesson 2: the seed's "Understanding Parallel Computing" and example1.py,
-- read before it is run, with a prediction to commit to.
return lesson {
  title = "Understanding Parallel Computing",

  text [[
# Understanding Parallel Computing

Parallel computing involves breaking down a task into smaller subtasks that can be executed simultaneously. This approach can significantly speed up computations, especially for data-intensive tasks. Python provides several libraries to facilitate parallel computing, such as multiprocessing and concurrent.futures.

The module's first example uses multiprocessing. {screen: Type next to see it.}
]],

  code { file = "example1.py" },

  text { title = "Reading example1.py", body = [[
The subtask is tiny on purpose: each one prints a single line. What matters is the shape of the program:

- worker(num) is the subtask.
- multiprocessing.Process(target=worker, args=(i,)) creates a new process that will call worker(i). p.start() starts it; from then on the parent and the new process run side by side.
- The first loop starts five processes, one after another, without waiting for any of them.
- The second loop calls job.join() on each one: the parent waits until every child has finished.
- The if __name__ == '__main__': guard makes sure only the parent runs the loop. A child that imports example1.py (which is how Python starts children on Windows and macOS) must not start five more.

The web version of this module has a link at this point: "Try it in Google Colab: Open in Colab". Here you run it on this machine instead, on its ${ncpu} CPUs, and see every process it starts.

# Predict first

The loop starts worker 0 first, then 1, 2, 3 and 4. In which order will the five "Worker: N" lines appear? Always 0 to 4? Any order? Make a guess and keep it in mind.

{screen: Type next to find out.}{batch: The next lesson finds out.}
]] },
}
