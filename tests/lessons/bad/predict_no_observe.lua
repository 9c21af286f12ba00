-- expect: predict_no_observe.lua:4: quiz{}: a 'predict' question needs 'observe', a function that says what the run showed
return lesson {
  title = "Predict without observe",
  quiz { type = "number", q = "How many?", predict = "Go" },
  run { title = "Go", processes = 1, worker = function(w) end },
}
