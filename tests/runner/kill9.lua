-- Runs that are still going when parlab is killed with SIGKILL (kill9.sh):
-- every process of each must be gone within a second, daemons included.
return lesson {
  title = "Killed mid-run",
  run {
    title = "A command and what it left",
    -- a child, a daemon in its own session, a grandchild whose parent
    -- exits, and the command itself: all sleep long, each named by its time
    command = { "sh", "-c", "sleep 7771 & setsid sleep 7772 & (sleep 7773 &); exec sleep 7774" },
    timeout = 60,
  },
}
