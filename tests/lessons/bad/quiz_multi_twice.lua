-- expect: quiz_multi_twice.lua:5: quiz{}: 'answer' names choice 2 twice
return lesson {
  title = "Multi answer twice",
  text "A step first.",
  quiz {
    type = "multi", q = "?", choices = { "a", "b", "c" }, answer = { 2, 2 } },
}
