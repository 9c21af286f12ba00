-- expect: quiz_multi_range.lua:4: quiz{}: 'answer'[2] must be a whole number from 1 to 3
return lesson {
  title = "Multi answer out of range",
  quiz { type = "multi", q = "?", choices = { "a", "b", "c" }, answer = { 1, 4 } },
}
