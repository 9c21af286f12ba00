-- expect: predict_earlier_run.lua:5: quiz{}: predict 'Go' is not the title of a later run in this lesson
return lesson {
  title = "Predicting a run that came before",
  run { title = "Go", processes = 1, worker = function(w) end },
  quiz { type = "number", q = "How many?",
    predict = "Go", observe = function(run) return run.max_running end },
}
