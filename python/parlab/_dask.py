"""Dask's task stream for parlab: which worker thread ran which task when,
and the data moved between workers.

_boot hooks dask.distributed's Client: once a client is connected, it
registers DaskTrace on every worker of the cluster (those that join later
too). The plugin is pickled by value, so a worker needs no parlab of its
own: a cluster started elsewhere works as well as a LocalCluster.

A worker started by parlab's run (a LocalCluster's) has the run's socket:
it sends its messages straight to parlab. Any other worker sends them as
Dask events ("parlab-dask") that the client forwards; at close the client
collects what is still on the way.

Messages (datagrams, see run.c), times in the worker's CLOCK_MONOTONIC ns:
  "\\x01dworker ADDR PID NTHREADS BOOT_ID OFFSET NAME"  OFFSET: its
      CLOCK_REALTIME - CLOCK_MONOTONIC, for a worker on another machine;
  "\\x01dstart ADDR TID T0 PREFIX KEY"   a task began on thread TID;
  "\\x01dtask ADDR TID T0 T1 PREFIX KEY"   it ran from T0 to T1;
  "\\x01dxfer FROM TO T0 T1 NBYTES KEY"    key's data came from FROM to TO.
"""
import os
import sys
import threading
import time

TOPIC = "parlab-dask"
NAME = "parlab-dask"
_KEY_MAX = 120


def _boot_id():
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip() or "-"
    except OSError:
        return "-"


def _offset():
    return time.time_ns() - time.monotonic_ns()


def _key_text(key):
    s = str(key).replace("\n", " ")
    return s[:_KEY_MAX]


def _install_run_wrapper():
    """Wraps the function every task runs through, on its executing thread
    (distributed 2022.12: Worker.execute -> apply_function ->
    apply_function_simple); once per worker process. The wrapper calls
    only the hook the worker's current plugin set."""
    import distributed.worker as dw
    if getattr(dw.apply_function_simple, "_parlab_wrapper", False):
        return
    orig = dw.apply_function_simple

    def traced(function, args, kwargs, time_delay):
        key = getattr(dw.thread_state, "key", None)
        t0 = time.monotonic_ns()
        try:
            hook = getattr(dw.get_worker(), "_parlab_run_hook", None)
        except Exception:
            hook = None
        if hook:
            hook(key, t0, None)
        try:
            return orig(function, args, kwargs, time_delay)
        finally:
            if hook:
                hook(key, t0, time.monotonic_ns())
    traced._parlab_wrapper = True
    dw.apply_function_simple = traced


def _own_channel():
    """This worker's socket to parlab's run, if it was started by it."""
    try:
        import parlab
        return parlab._send if parlab._channel() is not None else None
    except Exception:
        return None


try:
    from distributed.diagnostics.plugin import WorkerPlugin as _Base
except Exception:      # no distributed: the class is never used
    _Base = object


class DaskTrace(_Base):
    name = NAME

    def setup(self, worker):
        self.worker = worker
        self.addr = worker.address
        self.sent = []          # messages sent as events (the client's close collects them)
        self.lock = threading.Lock()
        self.direct = _own_channel()
        worker._parlab_dask = self
        _install_run_wrapper()
        worker._parlab_run_hook = self.on_run
        name = getattr(worker, "name", None)
        name = ("" if name is None else str(name)).replace("\n", " ")[:60]
        self.send("dworker %s %d %d %s %d %s" % (self.addr, os.getpid(), worker.state.nthreads,
                                                 _boot_id(), _offset(), name))

    def teardown(self, worker):
        if getattr(worker, "_parlab_run_hook", None) == self.on_run:
            worker._parlab_run_hook = None

    def send(self, msg):
        if self.direct is not None:
            self.direct(("\x01" + msg).encode("utf-8", "replace")[:500])
            return
        with self.lock:
            self.sent.append(msg)
            seq = len(self.sent)
        try:
            self.worker.log_event(TOPIC, (self.addr, seq, msg))
        except Exception:
            pass

    def collect(self):
        with self.lock:
            return (self.addr, list(self.sent))

    def on_run(self, key, t0, t1):          # on the executing thread
        tid = threading.get_native_id()
        k = _key_text(key)
        try:
            from dask.utils import key_split
            prefix = key_split(key) or "task"
        except Exception:
            prefix = "task"
        if t1 is None:
            self.send("dstart %s %d %d %s %s" % (self.addr, tid, t0, prefix, k))
        else:
            self.send("dtask %s %d %d %d %s %s" % (self.addr, tid, t0, t1, prefix, k))

    def transition(self, key, start, finish, **kw):   # the worker's event loop
        if start != "flight" or finish != "memory":
            return
        try:
            log = self.worker.transfer_incoming_log
        except AttributeError:
            return
        off = _offset()
        for e in reversed(log):
            keys = e.get("keys") or {}
            if key in keys:
                t0 = int(e["start"] * 1e9) - off
                t1 = int(e["stop"] * 1e9) - off
                self.send("dxfer %s %s %d %d %d %s" % (e.get("who") or "-", self.addr, t0, t1,
                                                       int(keys.get(key) or 0), _key_text(key)))
                return


class _Forward:
    """The client's side: forwards the workers' events to parlab, each once."""

    def __init__(self, send):
        self.send = send
        self.seen = set()
        self.lock = threading.Lock()

    def one(self, addr, seq, msg):
        with self.lock:
            if (addr, seq) in self.seen:
                return
            self.seen.add((addr, seq))
        self.send(("\x01" + msg).encode("utf-8", "replace")[:500])

    def on_event(self, event):
        try:
            _, (addr, seq, msg) = event
            self.one(addr, seq, msg)
        except Exception:
            pass

    def collect(self, client):
        """What the workers sent as events that has not come yet."""
        def _collect(dask_worker):
            p = getattr(dask_worker, "_parlab_dask", None)
            return p.collect() if p is not None else None
        try:
            got = client.run(_collect)
        except Exception:
            return
        for res in got.values():
            if not res:
                continue
            addr, msgs = res
            for i, msg in enumerate(msgs):
                self.one(addr, i + 1, msg)


def attach(client, send):
    """Registers the trace on client's cluster; send(bytes) reaches parlab."""
    if getattr(client, "asynchronous", False) or getattr(client, "_parlab_forward", None):
        return
    try:
        import cloudpickle
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    except Exception:
        pass
    fwd = _Forward(send)
    client._parlab_forward = fwd
    client.subscribe_topic(TOPIC, fwd.on_event)
    client.register_worker_plugin(DaskTrace(), name=NAME)


def detach(client):
    """Before the client closes: the events still on the way, and the
    plugin off the workers (a cluster that stays gets the next run's)."""
    fwd = getattr(client, "_parlab_forward", None)
    if fwd is None or getattr(client, "status", "") != "running":
        return
    client._parlab_forward = None
    fwd.collect(client)
    try:
        client.unregister_worker_plugin(NAME)
    except Exception:
        pass


def hook():
    """Patches dask.distributed's Client (imported by now)."""
    from distributed import client as dc
    import parlab
    cls = dc.Client
    if getattr(cls, "_parlab_hooked", False):
        return
    cls._parlab_hooked = True
    orig_init, orig_close = cls.__init__, cls.close

    def __init__(self, *a, **k):
        orig_init(self, *a, **k)
        try:
            attach(self, parlab._send)
        except Exception:
            pass

    def close(self, *a, **k):
        try:
            detach(self)
        except Exception:
            pass
        return orig_close(self, *a, **k)
    cls.__init__ = __init__
    cls.close = close
