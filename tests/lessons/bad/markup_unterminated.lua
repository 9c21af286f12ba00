-- expect: markup_unterminated.lua:4: run{}: 'note', its line 2: the {screen: span never closes: its "}" is missing
return lesson {
  title = "A span without its end",
  run {
    title = "One", processes = 1, worker = function(w) print("hi") end,
    note = [[
Your run is done.
{screen: Type next.
Then answer.]],
  },
}
