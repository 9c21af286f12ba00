-- expect: quiz_type_typo.lua:4: quiz{}: unknown type 'nubmer' (known: choice, multi, text, number, order; did you mean 'number'?)
return lesson {
  title = "A type misspelt",
  quiz { type = "nubmer", q = "How many?", answer = 4 },
}
