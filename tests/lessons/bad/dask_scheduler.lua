-- expect: dask_scheduler.lua:8: run{}: 'dask_scheduler': 'http://127.0.0.1:8786' is not a Dask scheduler's address: want tcp://HOST:PORT or tls://HOST:PORT
-- expect: dask_scheduler.lua:9: run{}: 'dask_scheduler': 'tcp://127.0.0.1:70000' is not a Dask scheduler's address
-- expect: dask_scheduler.lua:10: run{}: 'dask_scheduler': 'tcp://127.0.0.1' is not a Dask scheduler's address
-- expect: dask_scheduler.lua:11: run{}: 'dask_scheduler' is for a Python command that uses a Dask cluster: command = { "python3", ... } with "distributed" in its 'python' list
return lesson {
  title = "Bad Dask scheduler addresses",
  text "x",
  run { command = { "python3", "x.py" }, python = { "distributed" }, dask_scheduler = "http://127.0.0.1:8786" },
  run { command = { "python3", "x.py" }, python = { "distributed" }, dask_scheduler = "tcp://127.0.0.1:70000" },
  run { command = { "python3", "x.py" }, python = { "distributed" }, dask_scheduler = "tcp://127.0.0.1" },
  run { command = { "python3", "x.py" }, python = { "dask.dataframe" }, dask_scheduler = "tcp://127.0.0.1:8786" },
}
