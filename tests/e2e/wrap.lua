-- For tests/e2e/screen.sh: a run whose 33 output lines wrap at 80x24, a
-- long step to scroll, and characters beyond ASCII (for LANG=C).
return lesson {
  title = "Long lines",
  text [[
A run of one worker that prints 33 long lines.

Glyphs: █ run, ░ wait, · sleep, ✓ right, × times, → to, 💡 idea.

Line A of a long step.

Line B of a long step.

Line C of a long step.

Line D of a long step.

Line E of a long step.

Line F of a long step.

Line G of a long step.

Line H of a long step.

Line I of a long step.

Line J of a long step.

Line K of a long step.

Line L of a long step.

Line M of a long step.

Line N of a long step.

Line O of a long step: the end.
]],
  run {
    title = "Many lines",
    threads = 1,
    worker = function(w)
      for i = 1, 33 do
        print(("row%02d of the output, long enough to wrap in the pane"):format(i))
      end
    end,
  },
}
