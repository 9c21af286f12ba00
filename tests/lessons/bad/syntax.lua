-- expect: syntax.lua:5:
return lesson {
  title = "Broken",
  text [[ unclosed ]]
  text "x" (
}
