-- A Python step whose interpreter lacks what it needs: the step says what
-- to install, is skipped, and the course goes on (exit 0).
return lesson { title = "py", run { title = "needs dask", command = {"python3", "-c", "import dask; print('ok')"}, python = {"dask.dataframe", "pandas"} }, text "after" }
