-- expect: predict_observe_type.lua:4: quiz{}: 'observe' must be a function(run, prediction, runs), not string
return lesson {
  title = "Observe not a function",
  quiz { type = "number", q = "How many?", predict = "Go", observe = "run.max_running" },
  run { title = "Go", processes = 1, worker = function(w) end },
}
