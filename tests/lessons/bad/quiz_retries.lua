-- expect: quiz_retries.lua:4: quiz{}: 'retries' must be a whole number from 1 to 20
return lesson {
  title = "Zero retries",
  quiz { q = "?", choices = { "a", "b" }, answer = 1, retries = 0 },
}
