-- Lesson 8: the seed's tip on bandwidth and I/O, then runs where data
-- movement is the bottleneck: threads wait for blocks that a slow "link"
-- delivers at a fixed rate, so more threads do not finish sooner and the
-- CPUs sit mostly idle. Then real data crosses a real link (slowlink.py):
-- a rate-limited one, then the same link unlimited.

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


-- What slowlink.py's run said about itself: its link line, the reason it
-- fell back (if it did), the bytes, and the receiver's CPU time (parlab's
-- own measurement of the process named receiver).
local function link_of(run)
  local r = { bytes = 0 }
  for _, o in ipairs(run.output) do
    local t = o.text
    r.kind = r.kind or t:match("^link: (%a+), ")
    r.link = r.link or t:match("^link: (.*)$")
    r.refused = r.refused or t:match("^no real link here: (.-)%.?$")
    r.rate = r.rate or tonumber(t:match("^link: .-limited to [%d.]+ Mbit/s %((%d+) bytes a second%)") or "")
    r.burst = r.burst or tonumber(t:match("burst (%d+) bytes") or "")
    r.bytes = tonumber(t:match("^sender: sent (%d+) bytes") or "") or r.bytes
    r.took = r.took or tonumber(t:match("^sender: sent %d+ bytes in ([%d.]+) s") or "")
  end
  for _, k in ipairs(run.tasks) do
    if k.name == "receiver" and not k.thread then
      r.cpu_ms, r.life_ms = k.cpu_ms or 0, (k.end_ms or run.wall_ms) - (k.start_ms or 0)
      r.wait_ms, r.sleep_ms = k.wait_ms or 0, k.sleep_ms or 0   -- ready for a CPU; off it, for data
    end
  end
  return r
end

local SLOW = "4 MiB over a 16 Mbit/s link"
local FAST = "The same 4 MiB, no limit"

local function link_words(r)
  if r.kind == "real" then return "a real network link between two network namespaces" end
  return r.rate and "a simulated link (a socket pair, the sender holding itself to the rate)" or "a socket pair (a simulated link)"
end

-- Where the program fell back, its reason, in its own words.
local function refused_words(r)
  return r.refused and ("No real link here: %s. "):format(r.refused) or ""
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

  text { title = "A real slow link", body = [[
parlab's workers above only pretended to wait: the "link" was a sleep. The next two runs move real data. slowlink.py starts two Python processes: the sender (MainProcess) sends 4 MiB of numbers, one a line, to the receiver, which parses every number as it arrives and computes their mean and standard deviation.

Between them is a real network link, where Linux lets an ordinary user build one: a virtual Ethernet cable (a veth pair) whose two ends sit in two separate network namespaces, made inside a user namespace, like the command unshare -rn does. On the sender's end, the kernel's token bucket filter (tc qdisc ... tbf) lets at most 16 Mbit/s (2 000 000 bytes a second) through. {screen: The short lanes named ip and tc are the commands that build the link.}{batch: The short-lived ip and tc processes in the task table are the commands that build the link.}

Where the machine refuses (no user namespaces, inside a container or a chroot, no ip or tc command), the program's first line says why, and it falls back to a simulated link: a socket pair between the two processes, the sender holding itself to the same rate.

The first run sends the 4 MiB over the limited link; the second sends them over the same link without the limit. Predict how much of each run the receiver spends on a CPU. {screen: Type next, then run, and watch the receiver's lane.}
]] },

  run {
    title = SLOW,
    command = { "python3", "slowlink.py", "16" },
    files = { "slowlink.py" },
    timeout = 60,
    note = function(run)
      local r = link_of(run)
      if not r.kind or not r.rate or r.bytes == 0 then
        return "The program did not get as far as moving the data: its output above says why."
      end
      local t = { refused_words(r) }
      t[#t + 1] = ("Your run moved %d bytes over %s, limited to %d bytes a second"):format(r.bytes, link_words(r), r.rate)
      t[#t + 1] = (": whatever the CPUs do, %d bytes (all but the first %d, which pass at once) need at least %.2f s at that rate. The sender took %.2f s, and the whole run %.2f s.")
        :format(r.bytes - r.burst, r.burst, (r.bytes - r.burst) / r.rate, r.took or 0, run.wall_ms / 1000)
      if r.cpu_ms then
        t[#t + 1] = (" The receiver, which parsed every number, was on a CPU for %.0f ms of its %.2f s (%.0f %%)")
          :format(r.cpu_ms, r.life_ms / 1000, 100 * r.cpu_ms / math.max(r.life_ms, 1))
        if r.sleep_ms >= r.wait_ms then
          t[#t + 1] = (". It slept %.2f s waiting for data{screen: (· on its lane)}"):format(r.sleep_ms / 1000)
          t[#t + 1] = r.wait_ms < 0.1 * r.life_ms and (", and then the %d CPUs had nothing of this run to do."):format(run.ncpu)
            or (", and waited %.2f s more, ready to work, for a CPU that other programs held."):format(r.wait_ms / 1000)
        else
          t[#t + 1] = (". Other programs held the CPUs: it waited %.2f s for one, ready to work, and slept %.2f s waiting for data. Run it again on a quieter machine to see the link's wait alone.")
            :format(r.wait_ms / 1000, r.sleep_ms / 1000)
        end
      end
      return table.concat(t) .. " {screen: Type next.}"
    end,
  },

  run {
    title = FAST,
    command = { "python3", "slowlink.py", "unlimited" },
    files = { "slowlink.py" },
    timeout = 60,
    note = function(run, runs)
      local r = link_of(run)
      if not r.kind or r.bytes == 0 then
        return "The program did not get as far as moving the data: its output above says why."
      end
      local t = { refused_words(r), ("Without the limit, the same %d bytes over %s took the sender %.2f s, and the whole run %.2f s."):format(r.bytes, link_words(r), r.took or 0, run.wall_ms / 1000) }
      if r.cpu_ms then
        local share = 100 * r.cpu_ms / math.max(r.life_ms, 1)
        t[#t + 1] = (" The receiver was on a CPU for %.0f ms of its %.2f s (%.0f %%)"):format(r.cpu_ms, r.life_ms / 1000, share)
        if share >= 50 then
          t[#t + 1] = ": now the processing, not the link, set the pace."
        elseif r.wait_ms > r.sleep_ms then
          t[#t + 1] = (": other programs held the CPUs, and it waited %.2f s for one, ready to work (and slept %.2f s waiting for data)."):format(r.wait_ms / 1000, r.sleep_ms / 1000)
        else
          t[#t + 1] = (": it slept %.2f s waiting for data from the sender, which needs a CPU too (and waited %.2f s, ready, for a CPU of its own)."):format(r.sleep_ms / 1000, r.wait_ms / 1000)
        end
      end
      local slow = runs[SLOW] and link_of(runs[SLOW])
      if slow and slow.cpu_ms and slow.bytes > 0 then
        t[#t + 1] = (" Over the 16 Mbit/s link, the same work took %.2f s, its receiver %.0f ms of CPU."):format(runs[SLOW].wall_ms / 1000, slow.cpu_ms)
      end
      return table.concat(t) .. [[


The computation was the same in both runs; only the link changed. Adding CPUs or workers to the slow run would only add more waiting: data has to reach a CPU before the CPU can work on it. {screen: Type next.}
]]
    end,
  },
}
