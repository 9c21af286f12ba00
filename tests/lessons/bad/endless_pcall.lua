-- expect: endless_pcall.lua:2: the lesson took too long to load (an endless loop?)
while true do pcall(function() while true do end end) end
return lesson { title = "Never", text [[ Hello. ]] }
