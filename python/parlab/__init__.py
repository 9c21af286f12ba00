"""parlab's helper for Python programs run by parlab.

    import parlab
    parlab.mark("took the lock")   # a mark on this process's lane

Outside parlab (no PARLAB_MARK_FD), mark() does nothing.
"""
import os
import socket

__all__ = ["mark"]

_sock = None
_sock_pid = None


def _channel():
    """The inherited datagram socket to parlab, or None."""
    global _sock, _sock_pid
    if _sock is not None and _sock_pid == os.getpid():
        return _sock
    try:
        fd = int(os.environ.get("PARLAB_MARK_FD", ""))
    except ValueError:
        return None
    if fd < 0:
        return None
    try:
        s = socket.socket(fileno=os.dup(fd))
        if s.family != socket.AF_UNIX or s.type != socket.SOCK_DGRAM:
            s.close()
            return None
        s.set_inheritable(False)
    except OSError:
        return None
    _sock, _sock_pid = s, os.getpid()
    return s


def _send(data, fds=None):
    s = _channel()
    if s is None:
        return False
    try:
        if fds:
            s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                bytes(__import__("array").array("i", fds)))])
        else:
            s.send(data)
        return True
    except OSError:
        return False


def mark(text):
    """A mark with text on the lane of the calling process; a no-op outside parlab."""
    text = str(text).replace("\x01", " ")
    if text:
        _send(text.encode("utf-8", "replace")[:500])
