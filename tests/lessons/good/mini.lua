-- A small lesson the tests share: every kind of step.
local function greet(w)
  return "Worker: " .. w.id
end

return lesson {
  title = "Mini lesson",
  text [[
# A heading

This machine has ${ncpu} CPUs. A paragraph that is long enough to be wrapped
across more than one line when the screen is narrow.

- a list item
  verbatim line
]],
  code { title = "hello.lua", src = "print('hello')\n" },
  run {
    title = "Three processes",
    processes = 3,
    worker = function(w) print(greet(w)) end,
    note = "Each worker printed once.",
  },
  run {
    title = "Two threads",
    threads = 2,
    worker = function(w) busy(20); sleep(10); print("thread " .. w.id .. " of " .. w.n) end,
  },
  quiz {
    q = "How many processes ran?",
    choices = { "one", "three", "five" },
    answer = 2,
    explain = "Three worker processes were forked.",
    hints = { "Count the lanes.", "It is more than two." },
  },
}
