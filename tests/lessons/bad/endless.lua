-- expect: endless.lua:3: the lesson took too long to load
local n = 0
while true do n = n + 1 end
return lesson { title = "never", text "x" }
