-- expect: unknown_step.lua:4: unknown step kind 'quizz' (known: text, code, run, quiz, lesson, course; did you mean 'quiz'?)
return lesson {
  title = "A step misspelt",
  quizz { q = "How many?", type = "number", answer = 4 },
}
