-- tests/e2e/keys.sh, lesson 1: a text longer than the pane, a run with
-- more lanes and lines than fit, a run that ticks until stopped (pause),
-- and a question (the menu's score).
local paras = {}
for i = 1, 30 do paras[#paras + 1] = "Paragraph " .. i .. " of a text longer than the lesson pane." end
return lesson {
  title = "Keys and panes",
  text(table.concat(paras, "\n\n")),
  run {
    title = "Many lanes",
    processes = 12,
    worker = function(w) for i = 1, 6 do print("lane " .. w.id .. " line " .. i) end end,
  },
  run {
    title = "Ticker",
    processes = 2,
    timeout = 120,
    worker = function(w)
      local i = 0
      while true do i = i + 1; print("tick " .. w.id .. " " .. i); sleep(100) end
    end,
  },
  quiz {
    q = "How many runs did this lesson have?",
    choices = { "one", "two" },
    answer = 2,
  },
}
