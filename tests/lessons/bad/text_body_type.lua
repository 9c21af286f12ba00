-- expect: text_body_type.lua:3: text{}: 'body' must be a text or a function(runs) that returns one, not boolean
return lesson { title = "One error",
  text { body = true },
}
