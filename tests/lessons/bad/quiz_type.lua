-- expect: quiz_type.lua:4: quiz{}: unknown type 'essay' (known: choice, multi, text, number, order)
return lesson {
  title = "Bad type",
  quiz { type = "essay", q = "?", accept = { "x" } },
}
