"""Run by sitecustomize in every Python process of a parlab command run.

Protocol (datagrams on the socket in PARLAB_MARK_FD; parlab learns the
sender's pid from the kernel, SO_PASSCRED):
  "\\x01out" with two fds (SCM_RIGHTS): read ends of this process's new
      stdout and stderr pipes; parlab credits their lines to the sender;
  "\\x01name NAME": the process's Python name (multiprocessing);
  "\\x01thread TID NAME": a thread's Python name and native id;
  "\\x01import NAME", "\\x01imported NAME": a top-level import began, ended
      (parlab says what is being imported while lanes are still quiet);
  "\\x01step ...": a stepped run's step points (parlab/_step.py, only
      when PARLAB_STEP=1; src/engine/pystep.h lists them);
  anything else: mark lines.
"""
import os
import sys

import parlab

_ENV = "PARLAB_OUT_PIPES"   # "ino,ino": the pipes fd 1 and 2 should be on


def _ino(fd):
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    import stat
    return st.st_ino if stat.S_ISFIFO(st.st_mode) else None


def _redirect():
    """Moves fd 1 and 2 onto pipes of this process's own; only those still
    on the pipes parlab gave (a program's own redirection is left alone)."""
    want = os.environ.get(_ENV)
    known = want.split(",") if want else None
    fds = []
    for fd in (1, 2):
        ino = _ino(fd)
        ok = ino is not None and (known is None or str(ino) in known)
        fds.append(ok)
    if not any(fds):
        return
    for f in (sys.stdout, sys.stderr):
        try:
            f.flush()
        except Exception:
            pass
    pipes = [os.pipe(), os.pipe()]
    try:
        if not parlab._send(b"\x01out", [pipes[0][0], pipes[1][0]]):
            return
        inos = []
        for fd, ok, (r, w) in zip((1, 2), fds, pipes):
            if ok:
                os.dup2(w, fd)
            inos.append(str(_ino(fd)))
        os.environ[_ENV] = ",".join(inos)
    finally:
        for r, w in pipes:
            os.close(r)
            os.close(w)


def _name(name):
    parlab._send(("\x01name " + name).encode("utf-8", "replace")[:200])


def _hook_processes():
    import multiprocessing.process as mp
    orig = mp.BaseProcess._bootstrap

    def _bootstrap(self, *a, **k):
        try:
            _name(self.name)
        except Exception:
            pass
        return orig(self, *a, **k)
    mp.BaseProcess._bootstrap = _bootstrap

    # spawn and forkserver start a new interpreter with only the fds they
    # name: the channel goes along (the new one runs sitecustomize again).
    import multiprocessing.util as mu
    orig_spawn = mu.spawnv_passfds

    def spawnv_passfds(path, args, passfds):
        try:
            fd = int(os.environ.get("PARLAB_MARK_FD", ""))
            if fd >= 0 and fd not in passfds:
                passfds = sorted(list(passfds) + [fd])
        except Exception:
            pass
        return orig_spawn(path, args, passfds)
    mu.spawnv_passfds = spawnv_passfds


def _hook_threads():
    import threading
    orig = threading.Thread._bootstrap_inner

    def _bootstrap_inner(self):
        try:
            parlab._send(("\x01thread %d %s" % (threading.get_native_id(), self.name))
                         .encode("utf-8", "replace")[:200])
        except Exception:
            pass
        return orig(self)
    threading.Thread._bootstrap_inner = _bootstrap_inner


def _hook_imports():
    """Says when an import made at the top (not from inside another
    import) of a package not loaded yet begins and ends."""
    import builtins
    orig = builtins.__import__
    depth = [0]
    dask = [False]   # dask.distributed's Client hooked (its task stream, parlab/_dask.py)

    def _import(name, globals=None, locals=None, fromlist=(), level=0):
        top = depth[0] == 0 and level == 0 and name and name.partition(".")[0] not in sys.modules
        if top:
            parlab._send(("\x01import " + name).encode("utf-8", "replace")[:200])
        depth[0] += 1
        try:
            return orig(name, globals, locals, fromlist, level)
        finally:
            depth[0] -= 1
            if top:
                parlab._send(("\x01imported " + name).encode("utf-8", "replace")[:200])
            if not dask[0] and depth[0] == 0 and "distributed.client" in sys.modules:
                dask[0] = True
                try:
                    from parlab import _dask
                    _dask.hook()
                except Exception:
                    pass
    builtins.__import__ = _import


def _child():
    try:
        _redirect()
    except Exception:
        pass


def start():
    if parlab._channel() is None:
        return
    try:
        _redirect()
    except Exception:
        pass
    # multiprocessing's helper processes run "python -c 'from ... import main'"
    argv = " ".join(getattr(sys, "orig_argv", sys.argv))
    if "from multiprocessing.forkserver import main" in argv:
        _name("forkserver")
    elif "from multiprocessing.resource_tracker import main" in argv:
        _name("ResourceTracker")
    elif "--multiprocessing-fork" not in argv:
        _name("MainProcess")
        method = os.environ.get("PARLAB_START_METHOD")   # a lesson's start_method
        if method:
            try:
                import multiprocessing
                multiprocessing.set_start_method(method, force=True)
            except Exception:
                pass
    os.register_at_fork(after_in_child=_child)
    _hook_processes()
    _hook_threads()
    _hook_imports()
    if os.environ.get("PARLAB_STEP") == "1":   # a stepped run: the program's step points
        try:
            from parlab import _step
            _step.install()
        except Exception:
            pass
