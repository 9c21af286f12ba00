-- expect: no_return.lua:0: the file must end with 'return lesson { ... }'
local x = lesson { title = "t", text "x" }
