-- expect: unknown_field.lua:5: run{}: unknown field 'proceses'
return lesson {
  title = "Typo",
  text "fine",
  run { proceses = 5, worker = function(w) end },
}
