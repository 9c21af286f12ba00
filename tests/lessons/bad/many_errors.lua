-- expect: many_errors.lua:6: text{}: unknown field 'titel' (known: title, body; did you mean 'title'?)
-- expect: many_errors.lua:7: unknown step kind 'quizz' (known: text, code, run, quiz, lesson, course; did you mean 'quiz'?)
-- expect: many_errors.lua:8: run{}: baseline 'nothing' is not the title of an earlier run
return lesson {
  title = "Three mistakes",
  text { titel = "Hello", body = "Hi." },
  quizz { q = "How many?", type = "number", answer = 4 },
  run { title = "Go", processes = 2, baseline = "nothing", worker = function(w) end },
  text "Fine.",
}
