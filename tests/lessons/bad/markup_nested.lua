-- expect: markup_nested.lua:4: quiz{}: 'explain', its line 1: "{batch:" inside the {screen: span of line 1: spans do not nest
return lesson {
  title = "Spans inside spans",
  quiz {
    q = "Two and two?", type = "number", answer = 4,
    explain = "Four. {screen: Type next {batch: or not}.}",
  },
}
