-- expect: quiz_wrong_field.lua:4: quiz{}: a 'number' question takes no 'choices'
return lesson {
  title = "Choices on a number question",
  quiz { type = "number", q = "How many?", choices = { "1", "2" }, answer = 2 },
}
