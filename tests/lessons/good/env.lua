-- What a worker has (docs/lessons.md "What a worker gets") and ${ncpu} in
-- choices (tests/lessons/check.sh runs it in batch).
return lesson {
  title = "The worker's environment",
  run { title = "Env", processes = 1, worker = function(w)
    local ok, err = pcall(text, "x")
    print("constructor:", ok, err)
    print("types:", type(ncpu), type(next), type(xpcall), type(os), type(io), type(load), type(require))
  end },
  quiz { q = "How many CPUs does this machine have?", choices = { "${ncpu}", "none" }, answer = 1 },
}
