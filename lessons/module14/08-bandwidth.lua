-- Lesson 8: the seed's tip on bandwidth and I/O, then runs where data
-- movement is the bottleneck: threads wait for blocks that a slow "link"
-- delivers at a fixed rate, so more threads do not finish sooner and the
-- CPUs sit mostly idle.

local BLOCKS = 16   -- blocks of data to process
local EVERY = 100   -- the link delivers one block every 100 ms, whoever asks
local WORK = 20     -- ms of CPU time to process one block

-- Worker w takes blocks w, w+n, w+2n, ... Block b arrives at (b+1)*EVERY ms:
-- until then the worker sleeps (off the CPU), as if waiting on I/O.
local function fetch_and_process(w)
  local done = 0
  for b = w.id, BLOCKS - 1, w.n do
    local wait = (b + 1) * EVERY - now()
    if wait > 0 then sleep(wait) end   -- waiting for the data to arrive
    busy(WORK)                         -- processing it
    done = done + 1
  end
  print(string.format("thread %d: processed %d blocks, finished at %.0f ms", w.id, done, now()))
end

return lesson {
  title = "When data movement is the bottleneck",

  text [[
💡 Tip: When using distributed computing, ensure that your network bandwidth and storage I/O are not bottlenecks, as these can significantly impact performance.
]],

  text { title = "What a bottleneck looks like", body = [[
In the next run, 4 threads work through 16 blocks of data. Before a thread can process a block, the block has to arrive, over a network link or from storage. This link delivers one block every 100 ms, however many threads are asking. Processing a block takes 20 ms of CPU time.

Waiting for a block is sleep(...) in parlab's workers: the thread is off the CPU, as a real program is while it waits for the network or the disk. Processing is busy(20).

This run uses threads, not processes: four threads inside one process, sharing its memory. {screen: In the timeline they show up as four thread lanes under a single process.}{batch: In the task table they show up as four rows with the same pid.}

{screen: Type next, then run. Watch how little of each lane is █ and how much is · (sleeping), and how little of the CPU lanes this run takes (the rest is idle, or other programs' ▒).}{batch: Compare each thread's cpu time with the run's wall time, and see how little of the CPUs the run kept busy (CPU busy, in the statistics).}
]] },

  run {
    title = "4 threads waiting for data",
    threads = 4,
    worker = fetch_and_process,
    note = function(run)
      return ("Your run took %.2f s: 16 blocks at one block every 100 ms make at least 1.6 s. Yet the CPU work was only %.0f ms in all (16 × 20 ms). For most of the run the threads were sleeping{screen: (·)}, waiting for data, and the %d CPUs had nothing of this run to do. {screen: Type next.}")
        :format(run.wall_ms / 1000, run.cpu_ms, run.ncpu)
    end,
  },

  text [[
# Twice the threads?

When a job is slow, the first idea is to add workers. The next run does the same work with 8 threads instead of 4. Predict the wall time{screen:, then type next and run}.
]],

  run {
    title = "8 threads waiting for the same link",
    threads = 8,
    worker = fetch_and_process,
    note = function(run, runs)
      local four = runs["4 threads waiting for data"]
      local t = { ("Your 8 threads took %.2f s"):format(run.wall_ms / 1000) }
      if four then t[#t + 1] = (", the 4 threads %.2f s"):format(four.wall_ms / 1000) end
      t[#t + 1] = ". Each thread processed fewer blocks, and the first ones were done early, but the last block still arrives after 1.6 s: the link delivers one block every 100 ms, however many threads ask, and the extra threads simply wait for it. More threads, more CPUs or more machines cannot help when data movement is the bottleneck."
      return table.concat(t) .. [[


What helps instead: a faster network or faster storage, moving less data (compress it, filter it early, read only the columns you need), or running the computation where the data already is. That is what the tip means for a Dask or Ray cluster: its machines are only as fast as the data reaching them. {screen: Type next.}
]]
    end,
  },
}
