-- fuzz_answer's own questions: one of each type, beside the bundled courses'.
return lesson {
  title = "Every question type",
  quiz { q = "Pick one.", choices = { "one", "two", "three" }, answer = 2 },
  quiz { type = "multi", q = "Pick some.", choices = { "a", "b", "c", "d" }, answer = { 1, 3 } },
  quiz { type = "text", q = "Name it.", accept = { "Dask", "dask.distributed" }, patterns = { "^ray", "%d+ cpus?$" } },
  quiz { type = "number", q = "How many?", answer = 2, tolerance = 0.5 },
  quiz { type = "order", q = "In order.", items = { "exit", "fork", "run" }, answer = { 2, 3, 1 } },
}
