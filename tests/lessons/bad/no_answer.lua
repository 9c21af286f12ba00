-- expect: no_answer.lua:4: quiz{}: 'answer'
return lesson {
  title = "No answer",
  quiz { q = "?", choices = { "a", "b" } },
}
