-- Screen-only and batch-only text (engine/markup.c, docs/lessons.md):
-- tests/batch/markup.sh reads the batch transcript, tests/e2e/markup.sh the
-- screen. A fixed text, a note function, an explanation and a text body
-- function with bad markup (shown in its place, with its file:line); the
-- long words end in ")" at every width of the lesson pane from 39 to 51,
-- so that one of them meets its edge.
return lesson {
  title = "Spans",

  text [[
# Where it shows

Both see this. {screen: Type next to go on.}{batch: Batch readers read on.}
{screen:
- the timeline, on the right-hand side of the screen
- the output pane
}

After the list.

{batch:
- a batch-only item

A batch-only paragraph.
}
The end {screen: (on screen)} of the step.

In batch this line is as wide as the whole transcript, so its final words wait {screen: (on screen)}. And on.
]],

  run {
    title = "One worker",
    processes = 1,
    worker = function(w) print("hi") end,
    note = function(run)
      return ("%d worker printed. {screen: Type next.}{batch: On to the question.}"):format(run.nworkers)
    end,
  },

  quiz {
    q = "How many workers ran?",
    choices = { "one", "two" },
    answer = 1,
    explain = "One. {screen: Its lane was the only one.}{batch: The task table had one worker.}",
  },

  text { body = function() return "A body function's {scren: text}." end },

  text [[
# Long words

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).

Call aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(b).
]],
}
