-- expect: predict_line.lua:6: quiz{}: predict 'Four' is not the title of a later run in this lesson
return lesson {
  title = "A prediction of a run that is not there",
  text "Before.",
  text "More.",
  quiz { type = "number", q = "How many?",
    predict = "Four", observe = function(run) return run.max_running end },
  run { title = "Two", processes = 2, worker = function(w) end },
}
