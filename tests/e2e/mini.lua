-- The end-to-end TUI test's lesson: one step of every kind.
return lesson {
  title = "TUI test lesson",
  text [[
# Many hands

Parallel computing breaks a task into smaller subtasks that run at the
same time. This machine has ${ncpu} CPUs.

- a list item that is long enough to wrap onto a second line at 80 columns
- a short item

  verbatim: kept as written
]],
  code {
    title = "example.py", lang = "python", src = [[
import multiprocessing

def worker(num):
    """A worker: prints its number."""
    print(f"Worker: {num}")  # one line each

if __name__ == "__main__":
    for i in range(3):
        multiprocessing.Process(target=worker, args=(i,)).start()
]],
  },
  run {
    title = "Three processes",
    processes = 3,
    worker = function(w) busy(30); sleep(20); print("Worker: " .. w.id) end,
    note = "Each worker printed once; the order is the scheduler's.",
  },
  quiz {
    q = "How many worker processes ran?",
    choices = { "one", "three", "five" },
    answer = 2,
    explain = "Three worker processes were forked, one lane each.",
    hints = { "Count the task lanes." },
  },
}
