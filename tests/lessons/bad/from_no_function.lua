-- expect: from_no_function.lua:4: quiz{}: a question 'from' a run needs 'answer' = function(run, runs) returning the right answer
return lesson {
  title = "A question from a run with a fixed answer",
  run { title = "Go", processes = 1, worker = function(w) end }, quiz { type = "number", q = "How many?", from = "Go", answer = 1 },
}
