-- expect: empty.lua:2: lesson{}: it has no steps
return lesson { title = "Empty" }
