-- expect: quiz_tolerance.lua:4: quiz{}: 'tolerance' must be a number, 0 or more
return lesson {
  title = "Negative tolerance",
  quiz { type = "number", q = "How many?", answer = 2, tolerance = -1 },
}
