-- expect: predict_observe_only.lua:4: quiz{}: 'observe' goes with 'predict', the title of the run that judges the answer
return lesson {
  title = "Observe without predict",
  quiz { type = "number", q = "How many?", answer = 2, observe = function(run) return 2 end },
}
