-- observe functions that misbehave; parlab must say so and go on (no
-- abort, no hang). Tests rely on the order of the steps (0-based):
-- 0 multi: returns a table whose __index raises an error
-- 1 number: loops forever, catching the budget's error with pcall
-- 2 number: sets a __gc finalizer that would loop forever
-- 3 number: makes run.previous raise on assignment (hurts the next run)
-- 4 number: returns infinity
-- 5 run "A"
-- 6 number: fills the lesson's memory through a global, then errors
-- 7 run "B"
return lesson {
  title = "Hostile observers",
  quiz { type = "multi", q = "q0", choices = { "a", "b" }, predict = "A",
    observe = function(run)
      return setmetatable({}, { __index = function() error("index trap") end })
    end },
  quiz { type = "number", q = "q1", predict = "A",
    observe = function(run)
      while true do pcall(function() while true do end end) end
    end },
  quiz { type = "number", q = "q2", predict = "A",
    observe = function(run)
      setmetatable({}, { __gc = function() while true do end end })
      return 1
    end },
  quiz { type = "number", q = "q3", predict = "A",
    observe = function(run)
      setmetatable(run, { __newindex = function() error("newindex trap") end })
      return run.max_running
    end },
  quiz { type = "number", q = "q4", predict = "A", observe = function(run) return math.huge end },
  run { title = "A", processes = 2, worker = function(w) print("a" .. w.id) end },
  quiz { type = "number", q = "q6", predict = "B",
    observe = function(run)
      hog = {}
      for i = 1, 1e9 do hog[i] = string.rep("x", 1 << 20) .. i end
    end },
  run { title = "B", processes = 1, worker = function(w) print("b") end },
}
