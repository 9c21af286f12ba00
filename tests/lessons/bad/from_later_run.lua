-- expect: from_later_run.lua:4: quiz{}: from 'Go' is not the title of an earlier run in this lesson
return lesson {
  title = "A question from a run that comes after it",
  quiz { type = "number", q = "How many?", from = "Go", answer = function(run) return run.nworkers end },
  run { title = "Go", processes = 1, worker = function(w) end },
}
