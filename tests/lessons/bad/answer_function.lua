-- expect: answer_function.lua:4: quiz{}: 'answer' is a function only with 'from', the title of the earlier run it reads
return lesson {
  title = "An answer function without a run",
  quiz { type = "number", q = "How many?", answer = function(run) return 1 end },
}
