"""A Python program under parlab's stepper (run{ stepper = true }).

Installed by _boot.start() only when parlab says the run is stepped
(PARLAB_STEP=1); otherwise nothing here runs. The program's own
threading.Lock/RLock, multiprocessing Lock/RLock, Value (.value read and
written: two steps, so `v.value += 1` can lose an update) and Queue,
queue.Queue, and Thread/Process start and join become step points: before
the real operation the thread says what it is about to do and waits until
parlab lets it go (src/engine/pystep.h has the messages).

Only objects the program makes itself step (the standard library's own
locks and queues, e.g. inside multiprocessing.Queue, do not): an object is
the program's when the code that made it is not in the standard library,
the installed packages or parlab's helper.

Each thread has its own reply socket; its other end goes to parlab with the
thread's first message. If parlab is gone (a send fails, the socket hangs
up) the process runs on unhooked.
"""
import os
import socket
import sys
import sysconfig
import threading

import parlab

_on = True
_tls = threading.local()
_lib = ()
_user_files = {}


def _off():
    global _on
    _on = False


def _lib_dirs():
    dirs = set()
    paths = sysconfig.get_paths()
    for k in ("stdlib", "platstdlib", "purelib", "platlib"):
        if paths.get(k):
            dirs.add(os.path.realpath(paths[k]))
    for p in sys.path:
        if p.endswith(("dist-packages", "site-packages")):
            dirs.add(os.path.realpath(p))
    dirs.add(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))   # parlab's helper
    return tuple(d.rstrip(os.sep) + os.sep for d in dirs)


def _is_user(filename):
    """Code in filename is the program's own (not a library's)."""
    r = _user_files.get(filename)
    if r is None:
        if filename.startswith("<"):
            r = not filename.startswith("<frozen")
        else:
            r = not os.path.realpath(filename).startswith(_lib)
        _user_files[filename] = r
    return r


def _called_by_user(depth=2):
    """The caller of the function that called this one is the program."""
    try:
        return _is_user(sys._getframe(depth).f_code.co_filename)
    except ValueError:
        return False


def _name_in(f, obj, suffix):
    of = getattr(obj, "_parlab_of", None)   # a Value's lock: "v.get_lock()"
    for d in (f.f_locals, f.f_globals):
        for k, v in list(d.items()):
            if k.startswith("_"):
                continue
            if v is obj:
                return (k + suffix)[:60]
            if of is not None and v is of:
                return (k + ".get_lock()")[:60]
    return None


def _hint(obj, suffix=""):
    """The program's name for obj: in the code that made it (the same in
    every thread), else in the nearest frame of the program ("-": none)."""
    try:
        made = getattr(obj, "_parlab_made", None)
        name = _name_in(made, obj, suffix) if made is not None else None
        if name:
            return name
        f = sys._getframe(2)
        while f is not None and not _is_user(f.f_code.co_filename):
            f = f.f_back
        return (_name_in(f, obj, suffix) if f is not None else None) or "-"
    except Exception:
        return "-"


def _made(obj, depth=3):
    """Keeps the program's frame that made obj, to name obj by (_hint)."""
    try:
        obj._parlab_made = sys._getframe(depth)
    except Exception:
        pass
    return obj


def _short(x):
    s = repr(x).replace("\n", " ").replace("\x01", " ")
    return s if len(s) <= 40 else s[:37] + "..."


def _tid():
    return threading.get_native_id()


def _wname():
    if threading.current_thread() is threading.main_thread():
        mp = sys.modules.get("multiprocessing.process")
        return mp.current_process().name if mp else "MainProcess"
    return threading.current_thread().name


def _hello(started, name=None):
    """This thread's reply socket, its other end sent to parlab; None when
    parlab is gone."""
    a, b = socket.socketpair()
    try:
        msg = "\x01step hello %d %d %s" % (_tid(), started, (name or _wname()).replace("\n", " "))
        ok = parlab._send(msg.encode("utf-8", "replace")[:300], [b.fileno()])
    finally:
        b.close()
    if not ok:
        a.close()
        _off()
        return None
    _tls.chan = (a, os.getpid())
    return a


def _chan():
    """This thread's reply socket (said hello on first use), or None."""
    if not _on:
        return None
    c = getattr(_tls, "chan", None)
    if c is not None and c[1] == os.getpid():
        return c[0]
    if getattr(_tls, "ended", None) == os.getpid():
        return None
    return _hello(0)


def _point(verb, key="-", aux="-", arg=0, hint="-", detail=""):
    """A step point: says the action, waits until parlab lets it go."""
    c = _chan()
    if c is None:
        return
    hint = (hint or "-").replace(" ", "_")
    msg = "\x01step at %d %s %s %s %d %s %s" % (_tid(), verb, key, aux, arg, hint, detail)
    if not parlab._send(msg.encode("utf-8", "replace")[:480]):
        _off()
        return
    try:
        go = c.recv(1)
    except OSError:
        go = b""
    if not go:
        _off()   # parlab is gone: run on


def _end():
    """This thread does no more steps."""
    c = getattr(_tls, "chan", None)
    if c is None or c[1] != os.getpid() or getattr(_tls, "ended", None) == os.getpid():
        return
    _tls.ended = os.getpid()
    parlab._send(("\x01step end %d" % _tid()).encode())
    _tls.chan = None
    c[0].close()


def _nochild():
    c = getattr(_tls, "chan", None)
    if c is not None and c[1] == os.getpid():
        parlab._send(("\x01step nochild %d" % _tid()).encode())


def _started(pid):
    """The process this thread's start made: parlab watches it, in case
    it ends before its hello (a spawned child that cannot load its target)."""
    c = getattr(_tls, "chan", None)
    if c is not None and c[1] == os.getpid() and pid:
        parlab._send(("\x01step started %d %d" % (_tid(), pid)).encode())


def _forget():
    """In a new child process: the forking thread's socket is its parent's."""
    c = getattr(_tls, "chan", None)
    _tls.chan = None
    if c is not None:
        try:
            c[0].close()
        except OSError:
            pass


# ---- threading's locks ---------------------------------------------------

class _Lock:
    """A program's threading.Lock or RLock, its acquire and release steps."""

    def __init__(self, real, reentrant):
        self._real = real
        self._re = reentrant

    def _key(self):
        return "t%d.%x" % (os.getpid(), id(self))

    def acquire(self, blocking=True, timeout=-1):
        _point("lock" if blocking and timeout < 0 else "try", self._key(), "-", self._re, _hint(self))
        return self._real.acquire(blocking, timeout)

    def release(self):
        _point("unlock", self._key(), "-", 0, _hint(self))
        self._real.release()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()

    def __getattr__(self, name):   # locked(), _is_owned(), ...
        if name == "_real":
            raise AttributeError(name)
        return getattr(self._real, name)


def _hook_threading():
    lock, rlock = threading.Lock, threading.RLock

    def Lock(*a, **k):
        real = lock(*a, **k)
        return _made(_Lock(real, 0), 2) if _on and _called_by_user() else real

    def RLock(*a, **k):
        real = rlock(*a, **k)
        return _made(_Lock(real, 1), 2) if _on and _called_by_user() else real
    threading.Lock, threading.RLock = Lock, RLock

    start, join, inner = threading.Thread.start, threading.Thread.join, threading.Thread._bootstrap_inner

    def t_start(self):
        if not (_on and _called_by_user() and _chan()):
            return start(self)
        _point("start", detail=self.name)
        self._parlab = True
        try:
            return start(self)
        except BaseException:
            _nochild()
            raise

    def t_join(self, timeout=None):
        if getattr(self, "_parlab", False) and self.native_id is not None and _called_by_user():
            _point("join", aux="%d.%d" % (os.getpid(), self.native_id), detail=self.name)
        return join(self, timeout)

    def t_inner(self):
        if getattr(self, "_parlab", False):
            _hello(1, self.name)   # before start() returns in its parent
        try:
            return inner(self)
        finally:
            _end()
    threading.Thread.start, threading.Thread.join = t_start, t_join
    threading.Thread._bootstrap_inner = t_inner

    shutdown = threading._shutdown

    def _shutdown():   # the main thread's work is over: it only waits now
        if threading.current_thread() is threading.main_thread():
            _end()
        return shutdown()
    threading._shutdown = _shutdown


# ---- queue.Queue ---------------------------------------------------------

def _hook_queue():
    import queue
    init, put, get = queue.Queue.__init__, queue.Queue.put, queue.Queue.get

    def q_init(self, maxsize=0):
        init(self, maxsize)
        if _on and _called_by_user():
            self._parlab = "Q%d.%x" % (os.getpid(), id(self))
            _made(self, 2)

    def q_put(self, item, block=True, timeout=None):
        key = getattr(self, "_parlab", None)
        if key:
            _point("put", key, "-", max(self.maxsize, 0), _hint(self), _short(item))
        return put(self, item, block, timeout)

    def q_get(self, block=True, timeout=None):
        key = getattr(self, "_parlab", None)
        if key:
            _point("take", key, "-" if block and timeout is None else "nowait", max(self.maxsize, 0), _hint(self))
        return get(self, block, timeout)
    queue.Queue.__init__, queue.Queue.put, queue.Queue.get = q_init, q_put, q_get


# ---- multiprocessing -----------------------------------------------------

def _sem_key(semlock):
    return "s" + (semlock.name or "%x" % semlock.handle).lstrip("/")


def _step_semlock(obj, reentrant, key=None):
    """A program's multiprocessing Lock or RLock: acquire and release step."""
    if getattr(obj, "_parlab", None):
        return
    key = key or _sem_key(obj._semlock)
    acq, rel = obj._semlock.acquire, obj._semlock.release

    def acquire(block=True, timeout=None):
        _point("lock" if block and timeout is None else "try", key, "-", reentrant, _hint(obj))
        return acq(block, timeout)

    def release():
        _point("unlock", key, "-", 0, _hint(obj))
        return rel()
    obj.acquire, obj.release = acquire, release
    obj._parlab, obj._parlab_re = key, reentrant


def _rebuild_value(f, args, p):
    """A stepped Value in a spawned process: the one its parent stepped."""
    v = f(*args)
    v._parlab = p
    lk = v.get_lock()
    if hasattr(lk, "_semlock"):   # .value's own use of the lock is no step (as in its parent)
        v.acquire, v.release = lk._semlock.acquire, lk._semlock.release
        lk._parlab_of = v
    return v


def _hook_pickling(synchronize, sharedctypes, queues):
    """spawn and forkserver pickle what a new process gets: a stepped lock,
    Value or Queue arrives stepped, under the same key."""
    s_get, s_set = synchronize.SemLock.__getstate__, synchronize.SemLock.__setstate__

    def sem_getstate(self):
        st, key = s_get(self), getattr(self, "_parlab", None)
        return ("parlab", st, key, self._parlab_re) if key else st

    def sem_setstate(self, state):
        s_set(self, state[1] if state[0] == "parlab" else state)
        if state[0] == "parlab":
            _step_semlock(self, state[3], state[2])
    synchronize.SemLock.__getstate__, synchronize.SemLock.__setstate__ = sem_getstate, sem_setstate

    reduce_ = sharedctypes.SynchronizedBase.__reduce__

    def v_reduce(self):
        f, args = reduce_(self)
        p = getattr(self, "_parlab", None)
        return (_rebuild_value, (f, args, p)) if p else (f, args)
    sharedctypes.SynchronizedBase.__reduce__ = v_reduce

    q_get, q_set = queues.Queue.__getstate__, queues.Queue.__setstate__

    def q_getstate(self):
        st, key = q_get(self), getattr(self, "_parlab", None)
        return ("parlab", st, key, self._parlab_max) if key else st

    def q_setstate(self, state):
        q_set(self, state[1] if state[0] == "parlab" else state)
        if state[0] == "parlab":
            self._parlab, self._parlab_max = state[2], state[3]
    queues.Queue.__getstate__, queues.Queue.__setstate__ = q_getstate, q_setstate


def _hook_multiprocessing():
    import ctypes
    import multiprocessing
    from multiprocessing import context, queues, sharedctypes, synchronize

    enter, exit_ = synchronize.SemLock.__enter__, synchronize.SemLock.__exit__

    def s_enter(self):
        return self.acquire() if getattr(self, "_parlab", None) else enter(self)

    def s_exit(self, *exc):
        return self.release() if getattr(self, "_parlab", None) else exit_(self, *exc)
    synchronize.SemLock.__enter__, synchronize.SemLock.__exit__ = s_enter, s_exit
    _hook_pickling(synchronize, sharedctypes, queues)

    def step_value(v):
        lk = getattr(v, "get_lock", lambda: None)()
        if lk is None:
            return   # lock=False: a raw value, no step
        if isinstance(lk, synchronize.SemLock):
            _step_semlock(lk, 1 if isinstance(lk, synchronize.RLock) else 0)
            lk._parlab_of = v
        v._parlab = ("v%x" % ctypes.addressof(v._obj), getattr(lk, "_parlab", None) or "-")

    def step_queue(q):
        q._parlab = "q" + _sem_key(q._rlock._semlock)
        q._parlab_max = q._maxsize if q._maxsize < 2 ** 30 else 0

    makers = {"Lock": lambda o: _step_semlock(o, 0), "RLock": lambda o: _step_semlock(o, 1),
              "Value": step_value, "Queue": step_queue}
    for name, prep in makers.items():
        orig = getattr(context.BaseContext, name)

        def make(self, *a, _orig=orig, _prep=prep, **k):
            obj = _orig(self, *a, **k)
            if _on and _called_by_user():
                _prep(obj)
                _made(obj, 2)
            return obj
        setattr(context.BaseContext, name, make)
        setattr(multiprocessing, name, getattr(context._default_context, name))

    prop = sharedctypes.Synchronized.value

    def v_get(self):
        p = getattr(self, "_parlab", None)
        if p:
            _point("get", p[0], p[1], 0, _hint(self, ".value"))
        return prop.fget(self)

    def v_set(self, x):
        p = getattr(self, "_parlab", None)
        if p:
            _point("set", p[0], p[1], 0, _hint(self, ".value"), _short(x))
        prop.fset(self, x)
    sharedctypes.Synchronized.value = property(v_get, v_set)

    put, get = queues.Queue.put, queues.Queue.get

    def mq_put(self, obj, block=True, timeout=None):
        key = getattr(self, "_parlab", None)
        if key:
            _point("put", key, "-", self._parlab_max, _hint(self), _short(obj))
        return put(self, obj, block, timeout)

    def mq_get(self, block=True, timeout=None):
        key = getattr(self, "_parlab", None)
        if key:
            _point("take", key, "-" if block and timeout is None else "nowait", self._parlab_max, _hint(self))
        return get(self, block, timeout)
    queues.Queue.put, queues.Queue.get = mq_put, mq_get

    from multiprocessing import process, util
    p_start, p_join, boot = process.BaseProcess.start, process.BaseProcess.join, process.BaseProcess._bootstrap

    def start(self):
        if not (_on and _called_by_user() and _chan()):
            return p_start(self)
        _point("start", detail=self.name)
        self._parlab = True
        try:
            r = p_start(self)
        except BaseException:
            _nochild()
            raise
        _started(self.pid)
        return r

    def join(self, timeout=None):
        if getattr(self, "_parlab", False) and self.pid and _called_by_user():
            _point("join", aux="%d.%d" % (self.pid, self.pid), detail=self.name)
        return p_join(self, timeout)

    def bootstrap(self, *a, **k):
        _forget()
        if getattr(self, "_parlab", False):
            _hello(1, self.name)   # its parent's start is over once this arrives
        try:
            return boot(self, *a, **k)
        finally:
            _end()
    process.BaseProcess.start, process.BaseProcess.join = start, join
    process.BaseProcess._bootstrap = bootstrap

    exit_function = util._exit_function

    def _exit_function(*a, **k):   # a process's main thread is done with its steps
        if threading.current_thread() is threading.main_thread():
            _end()
        return exit_function(*a, **k)
    util._exit_function = _exit_function


def install():
    global _lib
    _lib = _lib_dirs()
    os.register_at_fork(after_in_child=_forget)
    for hook in (_hook_threading, _hook_queue, _hook_multiprocessing):
        try:
            hook()
        except Exception:
            pass
