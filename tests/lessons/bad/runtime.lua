-- expect: runtime.lua:3: attempt to call a nil value (global 'os_execute')
local t = "x"
os_execute("rm -rf /")
return lesson { title = "t", text "x" }
