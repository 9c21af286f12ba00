-- expect: note_type.lua:4: run{}: 'note' must be a text or a function(run, runs) that returns one, not number
return lesson {
  title = "A note that is a number",
  run {
    title = "One", processes = 1, worker = function(w) print("hi") end,
    note = 42,
  },
}
