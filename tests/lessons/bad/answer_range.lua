-- expect: answer_range.lua:4: quiz{}: 'answer' must be a whole number from 1 to 2
return lesson {
  title = "Bad answer",
  quiz { q = "?", choices = { "a", "b" }, answer = 3 },
}
