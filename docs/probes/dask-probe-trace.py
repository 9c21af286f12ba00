#!/usr/bin/python3
"""parlab Dask probe (/work/briefs/dask-probe-trace.py): task transitions + executing thread per task, from a
WorkerPlugin.  Usage: probe.py [--address tcp://H:P] [--no-dashboard]
[--rows N] [--blocksize B] [--slow SEC] [--procsnap]"""
import argparse, json, os, sys, threading, time

T0 = time.monotonic()
import logging
import dask, dask.dataframe as dd, distributed
from distributed import Client, LocalCluster, WorkerPlugin
from distributed.utils import key_split
T_IMPORT = time.monotonic() - T0


def _install_run_wrapper():
    """Once per worker process: wrap distributed.worker.apply_function_simple
    (2022.12.1 internals: Worker.execute -> run_in_executor(apply_function)
    -> module-global apply_function_simple(function, args, kwargs, delay)),
    which runs ON THE EXECUTING THREAD.  The wrapper only calls
    worker._parlab_run_hook, so a later plugin version replaces the hook
    instead of stacking wrappers in a long-lived dask-worker."""
    import distributed.worker as dw
    if getattr(dw.apply_function_simple, "_parlab_wrapper", False):
        return
    orig = dw.apply_function_simple

    def traced(function, args, kwargs, time_delay):
        key = getattr(dw.thread_state, "key", None)   # set by apply_function
        t0 = time.monotonic_ns()
        try:
            hook = getattr(dw.get_worker(), "_parlab_run_hook", None)
        except ValueError:
            hook = None
        if hook is not None:
            hook(key, t0, None)                          # task starts
        try:
            return orig(function, args, kwargs, time_delay)
        finally:
            t1 = time.monotonic_ns()
            try:
                hook = getattr(dw.get_worker(), "_parlab_run_hook", None)
            except ValueError:                           # not in a worker
                hook = None
            if hook is not None:
                hook(key, t0, t1)                        # task ends
    traced._parlab_wrapper = True
    dw.apply_function_simple = traced


class ParlabTrace(WorkerPlugin):
    """Records, in the worker process, every task transition (event-loop
    thread) and every task execution (executing thread).  Events are dicts
    kept in the worker; fetch them with client.run(ParlabTrace.drain)."""
    name = "parlab-trace"

    def __init__(self, rename=False):        # pickled to the workers with the plugin
        self.rename = rename

    def setup(self, worker):
        self.worker = worker
        self.pid = os.getpid()
        self.events = []
        worker._parlab_trace = self
        _install_run_wrapper()
        worker._parlab_run_hook = self.on_run

    def teardown(self, worker):
        worker._parlab_run_hook = None

    def on_run(self, key, t0, t1):               # called on the executing thread
        th = threading.current_thread()
        if t1 is None:                           # start: nothing recorded here but
            if self.rename:                      # an OS-visible thread name
                try:
                    with open(f"/proc/self/task/{th.native_id}/comm", "w") as f:
                        f.write(th.name.replace("Dask-Default-Threads", "dask")[-15:])
                except OSError as ex:
                    print("rename failed", ex, file=sys.stderr)
            return
        self.events.append(dict(ev="run", key=key, prefix=key_split(key),
                                t0=t0, t1=t1, pid=self.pid,
                                tid=th.native_id, tname=th.name))

    def transition(self, key, start, finish, **kw):
        e = dict(ev="tr", key=key, prefix=key_split(key), start=start,
                 finish=finish, t=time.monotonic_ns(), pid=self.pid,
                 tid=threading.get_native_id(),
                 tname=threading.current_thread().name, kw=sorted(kw))
        if start == "executing" and finish == "memory":
            ident = self.worker.threads.get(key)      # pthread ident of executor thread
            e["exec_ident"] = ident
            for th in threading.enumerate():
                if th.ident == ident:
                    e["exec_tid"] = th.native_id
                    e["exec_tname"] = th.name
            ts = self.worker.state.tasks.get(key)
            if ts is not None:
                e["startstops"] = [dict(s) for s in ts.startstops]
        self.events.append(e)

    @staticmethod
    def drain(dask_worker):
        tr = getattr(dask_worker, "_parlab_trace", None)
        out = dict(pid=os.getpid(), events=tr.events if tr else [],
                   wall_minus_mono=time.time() - time.monotonic(),
                   incoming=list(dask_worker.transfer_incoming_log),
                   outgoing=list(dask_worker.transfer_outgoing_log),
                   local_directory=dask_worker.local_directory,
                   name=str(dask_worker.name),
                   threads=[(t.native_id, t.name) for t in threading.enumerate()])
        if tr:
            tr.events = []
        return out


def proc_snapshot(pid):
    def rd(p):
        try:
            with open(p, "rb") as f:
                return f.read()
        except OSError as e:
            return str(e).encode()
    comm = rd(f"/proc/{pid}/comm").decode().strip()
    cmd = rd(f"/proc/{pid}/cmdline").replace(b"\0", b" ").decode()[:200]
    threads = []
    for t in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        st = rd(f"/proc/{pid}/task/{t}/stat").decode().rsplit(")", 1)[-1].split()
        threads.append((int(t), rd(f"/proc/{pid}/task/{t}/comm").decode().strip(),
                        int(st[11]) + int(st[12])))   # utime+stime ticks
    return dict(pid=pid, comm=comm, cmdline=cmd, threads=threads)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--address")
    ap.add_argument("--no-dashboard", action="store_true")
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--blocksize", type=int, default=400_000)
    ap.add_argument("--slow", type=float, default=0.0)
    ap.add_argument("--procsnap", action="store_true")
    ap.add_argument("--dump")
    ap.add_argument("--nofuse", action="store_true")
    ap.add_argument("--loopback", action="store_true")
    a = ap.parse_args()
    print(f"python {sys.version.split()[0]} dask {dask.__version__} distributed "
          f"{distributed.__version__} pid {os.getpid()} cwd {os.getcwd()}")
    print(f"import dask.dataframe+distributed: {T_IMPORT:.3f}s")
    print("clock:", time.get_clock_info("monotonic").implementation,
          "| monotonic_ns-clock_gettime_ns(MONOTONIC) =",
          time.monotonic_ns() - time.clock_gettime_ns(time.CLOCK_MONOTONIC), "ns")

    pdir = os.environ.get("PROBE_DIR", "/tmp/daskprobe")
    os.makedirs(pdir, exist_ok=True)
    csv = os.path.join(pdir, f"data-{os.getuid()}.csv")
    if not os.path.exists(csv):
        with open(csv, "w") as f:
            f.write("id,column_name\n")
            for i in range(a.rows):
                f.write(f"{i},{(i * 7919) % 1000 / 10}\n")

    t = time.monotonic()
    cluster = None
    if a.address:
        client = Client(a.address)
    else:
        kw = dict(n_workers=2, threads_per_worker=2, processes=True,
                  silence_logs=logging.ERROR)
        if a.no_dashboard:
            kw["dashboard_address"] = None
        if a.loopback:      # every listening socket on 127.0.0.1
            kw.update(host="127.0.0.1", dashboard_address="127.0.0.1:0",
                      worker_dashboard_address="127.0.0.1:0")
        cluster = LocalCluster(**kw)
        client = Client(cluster)
    t_start = time.monotonic() - t
    winfo = client.scheduler_info()["workers"]
    wpids = client.run(os.getpid)
    print(f"cluster up: {t_start:.3f}s, workers:",
          {w: (wpids[w], i["nthreads"], i.get("name")) for w, i in winfo.items()},
          "dashboard:", client.dashboard_link if (cluster is None or not a.no_dashboard) else None)
    t = time.monotonic()
    client.register_worker_plugin(ParlabTrace(rename=bool(os.environ.get("PARLAB_RENAME"))), name="parlab-trace")
    t_reg = time.monotonic() - t

    df = dd.read_csv(csv, blocksize=a.blocksize)
    col = df["column_name"]
    if a.slow:
        def burn(s, sec=a.slow):
            end = time.monotonic() + sec
            while time.monotonic() < end:
                pass
            return s
        col = col.map_partitions(burn, meta=col._meta)
    snaps = {}
    if a.procsnap:
        pids = list(wpids.values())
        fut = client.compute(col.mean(), optimize_graph=not a.nofuse)
        time.sleep(max(0.5, a.slow / 2))
        snaps = {p: proc_snapshot(p) for p in pids}
        print("main", json.dumps(proc_snapshot(os.getpid())), [(t.native_id, t.name) for t in threading.enumerate()])
        time.sleep(0.3)
        snaps2 = {p: proc_snapshot(p) for p in pids}
        t = time.monotonic()
        mean = fut.result()
    else:
        t = time.monotonic()
        mean = col.mean().compute(optimize_graph=not a.nofuse)
    t_compute = time.monotonic() - t
    print(f"npartitions {df.npartitions} mean {mean} register {t_reg:.3f}s compute {t_compute:.3f}s")

    res = client.run(ParlabTrace.drain)
    client.unregister_worker_plugin("parlab-trace")
    t = time.monotonic()
    client.close()
    if cluster:
        cluster.close()
    t_close = time.monotonic() - t
    print(f"shutdown {t_close:.3f}s")

    from collections import Counter
    allev = [e for r in res.values() for e in r["events"]]
    trs = [e for e in allev if e["ev"] == "tr"]
    runs = [e for e in allev if e["ev"] == "run"]
    print(f"events: {len(trs)} transitions, {len(runs)} runs")
    print("transitions:", dict(Counter(f'{e["start"]}->{e["finish"]}' for e in trs)))
    print("prefixes run:", dict(Counter(e["prefix"] for e in runs)))
    for addr, r in res.items():
        ev = r["events"]
        print(f"worker {addr} pid {r['pid']} name {r['name']} dir {r['local_directory']}")
        print("  python threads:", r["threads"])
        print("  transition threads (tid,name):", sorted({(e['tid'], e['tname']) for e in ev if e['ev'] == 'tr'}))
        print("  run threads (tid,name):", sorted({(e['tid'], e['tname']) for e in ev if e['ev'] == 'run'}))
        print("  kw passed to transition:", sorted({tuple(e['kw']) for e in ev if e['ev'] == 'tr'}))
        for x in r["incoming"]:
            print("  incoming transfer:", {k: x[k] for k in ("who", "keys", "total", "duration")})
        for x in r["outgoing"]:
            print("  outgoing transfer:", {k: x[k] for k in ("who", "keys", "total", "duration")})
        # compare run records with exec_tid from transition
        byk = {e["key"]: e for e in ev if e["ev"] == "run"}
        agree = sum(1 for e in ev if e["ev"] == "tr" and "exec_tid" in e
                    and byk.get(e["key"], {}).get("tid") == e["exec_tid"])
        nexe = sum(1 for e in ev if e["ev"] == "tr" and e["start"] == "executing")
        print(f"  executing->memory {nexe}, exec_tid matches run tid: {agree}")
    trk = {(e["key"], e["start"], e["finish"]): e["t"] for e in trs}
    d0 = sorted(r["t0"] - trk[(r["key"], "ready", "executing")] for r in runs)
    d1 = sorted(trk[(r["key"], "executing", "memory")] - r["t1"] for r in runs)
    print("ready->executing to run start: median %.2f ms max %.2f ms; run end to executing->memory: median %.2f ms max %.2f ms"
          % (d0[len(d0)//2]/1e6, d0[-1]/1e6, d1[len(d1)//2]/1e6, d1[-1]/1e6))
    dur = sorted((r["t1"] - r["t0"]) / 1e6 for r in runs)
    print("run durations ms: min %.2f median %.2f max %.2f" % (dur[0], dur[len(dur)//2], dur[-1]))
    ev0 = sorted(allev, key=lambda e: e.get("t", e.get("t0")))
    print("samples:")
    for e in ev0[:14]:
        print("  ", json.dumps(e)[:300])
    if snaps:
        for p in snaps:
            print("proc", json.dumps(snaps[p])[:600])
            d = {tid: ticks for tid, _, ticks in snaps2[p]["threads"]}
            busy = [(tid, n, d.get(tid, 0) - ticks) for tid, n, ticks in snaps[p]["threads"] if d.get(tid, 0) - ticks > 0]
            print("   busy threads over 0.3s (tid,comm,ticks):", busy)
        print("run tids:", sorted({(e["pid"], e["tid"], e["tname"]) for e in runs}))
    if a.dump:
        with open(a.dump, "w") as f:
            json.dump({k: v for k, v in res.items()}, f, default=str)


if __name__ == "__main__":
    main()
