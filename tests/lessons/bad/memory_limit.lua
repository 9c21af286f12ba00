-- expect: memory_limit.lua:4: run{}: 'memory' is the run's memory limit in MiB: a whole number from 16 to 65536
return lesson {
  title = "A memory limit in bytes",
  run { title = "r", threads = 1, memory = 512 * 1024 * 1024, worker = function(w) end },
}
