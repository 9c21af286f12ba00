-- expect: from_predict.lua:5: quiz{}: a question has 'from' or 'predict', not both
return lesson {
  title = "from and predict",
  run { title = "Go", processes = 1, worker = function(w) end },
  quiz { type = "number", q = "How many?", from = "Go", predict = "Go", answer = function(run) return 1 end },
  run { title = "Go again", processes = 1, worker = function(w) end },
}
