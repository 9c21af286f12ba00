-- expect: markup_unknown.lua:7: text{}: 'body', its line 3: unknown markup "{scren:" (known: {screen: ...} and {batch: ...})
return lesson { title = "One error",
  text [[
A first paragraph.

Type {scren: next}.
]],
}
