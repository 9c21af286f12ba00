#!/usr/bin/python3
"""parlab Dask probe 2 (/work/briefs/dask-probe-stream.py): live event streaming with Worker.log_event +
Client.subscribe_topic, and Client.get_task_stream for comparison.
Usage: stream.py [tcp://HOST:PORT]   (no address: LocalCluster 2x2)"""
import logging, os, sys, threading, time
import dask.dataframe as dd
from distributed import Client, LocalCluster, WorkerPlugin, get_task_stream
from distributed.utils import key_split

TOPIC = "parlab-trace"


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


class ParlabStream(WorkerPlugin):
    name = "parlab-trace"

    def setup(self, worker):
        self.worker = worker
        _install_run_wrapper()
        worker._parlab_run_hook = self.on_run

    def teardown(self, worker):
        worker._parlab_run_hook = None

    def on_run(self, key, t0, t1):              # executing thread; log_event is thread-safe
        if t1 is not None:
            self.worker.log_event(TOPIC, ("run", key, key_split(key), t0, t1,
                                          os.getpid(), threading.get_native_id(),
                                          self.worker.address))

    def transition(self, key, start, finish, **kw):
        self.worker.log_event(TOPIC, ("tr", key, key_split(key), start, finish,
                                      time.monotonic_ns(), os.getpid(),
                                      self.worker.address))


def main():
    got = []
    lat = []

    def handler(event):                      # event = (scheduler_time, msg)
        now = time.monotonic_ns()
        msg = event[1]
        got.append(msg)
        t = msg[5] if msg[0] == "tr" else msg[4]
        lat.append(now - t)

    if len(sys.argv) > 1:
        cluster = None
        client = Client(sys.argv[1])
    else:
        cluster = LocalCluster(n_workers=2, threads_per_worker=2, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    client.subscribe_topic(TOPIC, handler)
    client.register_worker_plugin(ParlabStream(), name="parlab-trace")
    csv = f"/tmp/daskprobe/data-{os.getuid()}.csv"      # written by dask-probe-trace.py
    df = dd.read_csv(csv, blocksize=400_000)
    with get_task_stream() as ts:
        m = df["column_name"].mean().compute()
    time.sleep(0.5)                          # let the last batched events arrive
    print("mean", m, "events via subscribe_topic:", len(got),
          "runs:", sum(1 for g in got if g[0] == "run"))
    lat.sort()
    print("latency worker->client handler: median %.1f ms, max %.1f ms"
          % (lat[len(lat) // 2] / 1e6, lat[-1] / 1e6))
    print("sample:", got[0], got[-1], sep="\n  ")
    print("get_task_stream:", len(ts.data), "records; keys of one:", sorted(ts.data[0]))
    for r in ts.data:
        if any(s["action"] == "transfer" for s in r["startstops"]):
            print("  with transfer:", r["key"], r["worker"], r["thread"], r["startstops"])
            break
    print("  plain:", ts.data[0]["key"], ts.data[0]["worker"], ts.data[0]["thread"], ts.data[0]["startstops"])
    client.unregister_worker_plugin("parlab-trace")
    client.unsubscribe_topic(TOPIC)
    client.close()
    if cluster:
        cluster.close()


if __name__ == "__main__":
    main()
