-- expect: coord_array.lua:6: run{}: shared['big'] must have 1 to 4096 numbers, not 5000
local big = {}
for i = 1, 5000 do big[i] = 0 end
return lesson {
  title = "A shared list too long",
  run { threads = 2, shared = { big = big }, worker = function(w) end },
}
