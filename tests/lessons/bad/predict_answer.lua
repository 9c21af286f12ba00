-- expect: predict_answer.lua:4: quiz{}: a 'predict' question takes no 'answer': its run gives the answer
return lesson {
  title = "Predict with an answer",
  quiz { q = "Which?", choices = { "a", "b" },
    predict = "Go", observe = function(run) return 1 end, answer = 1 },
  run { title = "Go", processes = 1, worker = function(w) end },
}
