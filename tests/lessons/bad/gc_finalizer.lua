-- expect: gc_finalizer.lua:3: setmetatable: lessons cannot use __gc finalizers
local trap = {}
setmetatable(trap, { __gc = function() while true do end end })
return lesson { title = "A finalizer", text [[ Hello. ]] }
