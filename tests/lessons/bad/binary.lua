-- expect: binary.lua:2: attempt to call a nil value (global 'load')
local f = load(string.dump(function() end))
return lesson { title = "t", text "x" }
