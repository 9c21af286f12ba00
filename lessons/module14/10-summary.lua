-- Lesson 10: what the student saw, and where the next courses go. The
-- table of the student's own runs is written from those runs (a text
-- body function), so it states no number the student did not measure.

local BUSY = { 1, 2, 4, 8, 32 }

local function ms(x) return x >= 1000 and ("%.2f s"):format(x / 1000) or ("%.0f ms"):format(x) end

-- Work done per second of wall time, against one busy worker's.
local function speedup(run, one)
  if not one or one.wall_ms <= 0 or one.cpu_ms <= 0 or run.wall_ms <= 0 then return nil end
  return (run.cpu_ms / run.wall_ms) / (one.cpu_ms / one.wall_ms)
end

local function pct(x) return x and ("%.0f %%"):format(x * 100) or "-" end

-- Lesson 4's five runs as a table, and what they say. A speedup past the
-- CPUs cannot be real (the one-worker yardstick was slowed by others): it
-- is not shown, and said why.
local function your_runs(runs)
  local one = runs["1 busy worker"]
  local t = { "# Your runs", "" }
  local rows, best, ncpu, impossible, busy = {}, 0, nil, false, false
  local prev, grew = nil, false   -- grew: a speedup that rose past the CPUs' count of workers
  for _, n in ipairs(BUSY) do
    local r = runs[("%d busy worker%s"):format(n, n == 1 and "" or "s")]
    if r then
      ncpu = r.ncpu
      local x = speedup(r, one)
      if x and x > r.ncpu * 1.05 then impossible, x = true, nil end
      if x and x > best then best = x end
      if x and prev and n > r.ncpu and x > prev * 1.1 then grew = true end
      if x then prev = x end
      if r.others_noticeable then busy = true end
      rows[#rows + 1] = ("  %7d  %9s  %7d  %7s  %6s"):format(n, ms(r.wall_ms), r.max_running,
        x and ("%.1fx"):format(x) or (impossible and "(!)" or "-"), pct(r.other_share))
    else
      rows[#rows + 1] = ("  %7d  %9s"):format(n, "(not run)")
    end
  end
  if not ncpu then
    t[#t + 1] = "You have not run lesson 4's busy workers in this session: {screen: go back to lesson 4 (type lessons 4), run them, and this table fills with your own figures}{batch: when they have run, this table holds your own figures}."
    return table.concat(t, "\n")
  end
  t[#t + 1] = ("Lesson 4's busy workers, as your runs measured them on this machine's %d CPUs (others: the share of the CPUs other programs took during the run):"):format(ncpu)
  t[#t + 1] = ""
  t[#t + 1] = "  workers       wall  at once  speedup  others"
  for _, row in ipairs(rows) do t[#t + 1] = row end
  t[#t + 1] = ""
  t[#t + 1] = ("Speedup is the work done per second of wall time, against one worker's. With %d CPUs it cannot go past %d, however many workers there are."):format(ncpu, ncpu)
  if best > 0 then t[#t] = t[#t] .. (" Yours went up to %.1fx."):format(best) end
  if impossible then
    t[#t + 1] = ""
    t[#t + 1] = ("(!) A speedup above %d on %d CPUs cannot be real, so it is not shown: your one-worker run was itself slowed by other programs, which makes it too low a yardstick. Run lesson 4 again when the machine is quieter."):format(ncpu, ncpu)
  end
  if grew and busy then
    t[#t + 1] = ""
    t[#t + 1] = ("In your table, more workers than CPUs still came out faster. That is the other programs: the kernel shares each CPU among the tasks that are ready to run, not among programs, so many workers won a bigger share of the CPUs from the other programs than one did. On a quiet machine the speedup stops at %d."):format(ncpu)
  elseif busy then
    t[#t + 1] = ""
    t[#t + 1] = "Other programs were busy during some of these runs (the others column): those runs took longer than they would on a quiet machine."
  end
  local four, eight = runs["4 threads waiting for data"], runs["8 threads waiting for the same link"]
  if four and eight then
    t[#t + 1] = ""
    local faster = eight.wall_ms < four.wall_ms * 0.8
    t[#t + 1] = ("And the threads waiting for data (lesson 8): 4 threads took %s, 8 threads %s.%s"):format(ms(four.wall_ms), ms(eight.wall_ms),
      faster and "" or " Twice the threads, no faster: the link was the limit.")
  end
  return table.concat(t, "\n")
end

return lesson {
  title = "Summary",

  text [[
# What you saw

- Parallel computing breaks a task into subtasks that run at the same time. example1.py started five real processes; {screen: the timeline}{batch: its run} showed each one born, running on one of this machine's ${ncpu} CPUs, and exiting.
- The order of parallel output is the scheduler's choice, not the loop's. The module's tidy Worker: 0 to Worker: 4 listing is one possible run; with a little work per worker, the order could change from one run to the next.
- Speed-up stops at the number of CPUs. With 300 ms of work per worker, up to ${ncpu} workers could run at the same moment; with more workers than ${ncpu} CPUs, the extra workers waited{screen: (░)} and the wall time grew with the work. The notes after your runs in lesson 4 have your own times, and say where other programs slowed them.
- A pool (concurrent.futures.ProcessPoolExecutor) starts a few worker processes once and gives them task after task.
- Distributed computing takes the same idea to many machines. Dask turned a mean over a CSV file into tasks over partitions and ran them on its workers; the printed mean, 42.5, matched the one built into the file.
- When data movement is the bottleneck, the CPUs are left free (idle, or to other programs): more threads waiting on the same slow link do not finish sooner.

]],

  text { body = your_runs },

  text [[
# Where next

- Concurrency you can see: CPU-bound and I/O-bound work, speed-up and Amdahl's law measured, races and locks, deadlock, producer/consumer queues.
- Python's parallel toolbox: processes and threads under the GIL, concurrent.futures, multiprocessing pools, shared memory.
- Distributed for real: a Dask cluster on this machine, the cost of moving data between workers.

This is the end of Module 14. {screen: Type back to revisit any step. To open another course, quit and start parlab with its folder or lesson file (parlab PATH); parlab list names the bundled ones, and help says it too.}{batch: To take another course, start parlab with its folder or lesson file (parlab PATH, or parlab --batch PATH); parlab list names the bundled ones.}
]],
}
