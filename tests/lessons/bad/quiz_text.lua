-- expect: quiz_text.lua:4: quiz{}: a 'text' question needs 'accept' or 'patterns'
return lesson {
  title = "Text without accept",
  quiz { type = "text", q = "Name it." },
}
