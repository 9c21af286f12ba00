-- expect: quiz_number.lua:4: quiz{}: 'answer' must be a number, not string
return lesson {
  title = "Number answer not a number",
  quiz { type = "number", q = "How many?", answer = "two" },
}
