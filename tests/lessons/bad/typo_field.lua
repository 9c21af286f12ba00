-- expect: typo_field.lua:4: run{}: unknown field 'threds' (known: title, processes, threads, command, worker, timeout, note, files, python, start_method, optional, dask_scheduler, csv, baseline, expect, shared, locks, semaphores, barriers, conditions, queues, memory, tasks, stepper, goal; did you mean 'threads'?)
return lesson {
  title = "A field misspelt",
  run { threds = 2, worker = function(w) end },
}
