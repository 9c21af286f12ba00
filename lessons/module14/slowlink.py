"""Moves data from one process to another over a network link, and
processes it as it arrives.

    python3 slowlink.py 16          # a link limited to 16 Mbit/s
    python3 slowlink.py unlimited   # the same link, no limit

The sender (MainProcess) sends 4 MiB of numbers, one per line, to the
receiver, a second process that parses them and computes their mean. The
link is real where Linux lets an ordinary user build one: a virtual
Ethernet cable (a veth pair) between two network namespaces, made inside
a user namespace (like `unshare -rn`), its sending end limited by the
kernel's token bucket filter (`tc qdisc ... tbf`). Where the machine
refuses, the program says why and falls back to a simulated link: a
socket pair between the two processes, the sender holding itself to the
same rate.
"""
import ctypes
import errno
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

NBYTES = 4 << 20          # data to move
PIECE = 64 << 10          # bytes per send
BURST = 32 << 10          # bytes the token bucket lets through at once
PORT = 5000
SENDER_IP, RECEIVER_IP = "10.77.0.1", "10.77.0.2"
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000

libc = ctypes.CDLL(None, use_errno=True)


class Refused(Exception):
    """The machine would not build the real link; the text says why."""


def data():
    """NBYTES of numbers with one decimal, one a line, whose mean is 42.5."""
    line = b"".join(b"%.1f\n" % (i / 10) for i in range(851))   # 0.0 .. 85.0
    whole = line * (NBYTES // len(line))
    pad = NBYTES - len(whole)                                    # 42.5 lines
    return whole + b"42.5\n" * (pad // 5) + b"\n" * (pad % 5)


def tool(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")


def sh(why, *argv, stdin=None):
    """Runs ip or tc; a failure is a Refused saying what could not be done."""
    r = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if r.returncode != 0:
        said = " ".join((r.stderr or r.stdout).split()) or "exit status %d" % r.returncode
        raise Refused("%s failed (%s: %s)" % (why, os.path.basename(argv[0]), said))


def unshare(flags, what):
    if libc.unshare(flags) == 0:
        return
    err = ctypes.get_errno()
    why = {
        errno.EPERM: "user namespaces are switched off here, or this runs in a container or chroot that forbids them",
        errno.ENOSPC: "the number of user namespaces allowed here (/proc/sys/user/max_user_namespaces) is 0 or used up",
        errno.EINVAL: "this program already runs several threads",
        errno.ENOSYS: "this kernel has no namespaces",
    }.get(err, "")
    raise Refused("this machine does not let this user make %s (unshare: %s)%s"
                  % (what, os.strerror(err), ": " + why if why else ""))


def receive(conn, real, sock):
    """The receiver: its own network namespace (real link), then parse."""
    libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG: never outlive the sender
    try:
        if real:
            unshare(CLONE_NEWNET, "a network namespace")
            conn.send("ready")
            if conn.recv() != "moved":
                return
            sh("setting up the receiver's end of the link", tool("ip"), "-batch", "-", stdin="addr add %s/24 dev pb\nlink set pb up\nlink set lo up\n" % RECEIVER_IP)
            ls = socket.socket()
            ls.bind((RECEIVER_IP, PORT))
            ls.listen(1)
            ls.settimeout(30)
            conn.send("listening")
            sock, _ = ls.accept()
            ls.close()
    except (Refused, OSError) as e:
        conn.send("refused: %s" % e)
        return
    sock.settimeout(30)
    start, cpu0 = time.monotonic(), time.process_time()
    got, count, total, squares, rest = 0, 0, 0.0, 0.0, b""
    while True:
        piece = sock.recv(PIECE)
        if not piece:
            break
        got += len(piece)
        lines = (rest + piece).split(b"\n")
        rest = lines.pop()
        for line in lines:          # the work per piece: parse, add up
            if line:
                x = float(line)
                total += x
                squares += x * x
                count += 1
    wall, cpu = time.monotonic() - start, time.process_time() - cpu0
    mean = total / max(count, 1)
    sd = max(squares / max(count, 1) - mean * mean, 0) ** 0.5
    print("receiver: got %d bytes, %d numbers (mean %.1f, standard deviation %.1f) in %.2f s; "
          "%.2f s of it on a CPU (%.0f %%)" % (got, count, mean, sd, wall, cpu, 100 * cpu / max(wall, 1e-9)), flush=True)
    conn.send("done %d %.6f %.6f" % (got, wall, cpu))


def real_link(rate, ctx):
    """Builds the veth pair; returns the receiver process, its pipe and the
    sender's connection to it."""
    for name in ("ip", "tc"):
        if not tool(name):
            raise Refused("the `%s` command is not installed (Debian package iproute2)" % name)
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER | CLONE_NEWNET, "a user and network namespace")
    try:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write("0 %d 1" % uid)
        with open("/proc/self/gid_map", "w") as f:
            f.write("0 %d 1" % gid)
    except OSError as e:
        raise Refused("this machine would not map this user into a user namespace (%s)" % e.strerror)
    sh("creating a veth pair", tool("ip"), "-batch", "-", stdin="link set lo up\nlink add pa type veth peer name pb\n")
    mine, theirs = ctx.Pipe()
    rx = ctx.Process(target=receive, args=(theirs, True, None), name="receiver")
    rx.start()
    theirs.close()   # the receiver's end: only it holds it, so its death is an EOF here
    try:
        if not mine.poll(30) or mine.recv() != "ready":
            raise Refused("the receiver could not make its network namespace")
        sh("moving the receiver's end into its namespace", tool("ip"), "-batch", "-", stdin="link set pb netns %d\naddr add %s/24 dev pa\nlink set pa up\n"
           % (rx.pid, SENDER_IP))
        if rate:
            sh("limiting the rate with tc's token bucket filter (this kernel may lack sch_tbf)", tool("tc"), "qdisc", "add", "dev", "pa", "root", "tbf", "rate", "%dbit" % rate,
               "burst", str(BURST), "latency", "100ms")
        mine.send("moved")
        said = mine.recv() if mine.poll(30) else "the receiver did not answer in 30 s"
        if said != "listening":
            raise Refused(said[len("refused: "):] if said.startswith("refused: ") else said)
        sock = socket.create_connection((RECEIVER_IP, PORT), timeout=30)
    except (Refused, EOFError, OSError) as e:
        rx.kill()
        rx.join()
        raise Refused(str(e) or "the receiver ended early")
    return rx, mine, sock


def send_all(sock, payload, rate):
    """Sends everything; with a rate (the simulated link) a token bucket:
    at most BURST + rate/8 * t bytes by time t."""
    start = time.monotonic()
    for at in range(0, len(payload), PIECE):
        piece = payload[at:at + PIECE]
        if rate:
            due = start + (at + len(piece) - BURST) * 8 / rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        sock.sendall(piece)
    sock.shutdown(socket.SHUT_WR)


def main():
    arg = sys.argv[1] if len(sys.argv) > 1 else "16"
    rate = 0 if arg == "unlimited" else int(float(arg) * 1e6)
    limit = "limited to %g Mbit/s (%d bytes a second)" % (rate / 1e6, rate // 8) if rate else "unlimited"
    ctx = multiprocessing.get_context("fork")
    payload = data()
    try:
        rx, conn, sock = real_link(rate, ctx)
        print("link: real, a veth pair between two network namespaces, %s%s"
              % (limit, " by tc's token bucket filter (tbf), burst %d bytes" % BURST if rate else ""), flush=True)
        throttle = 0   # the kernel limits the rate
    except Refused as e:
        print("no real link here: %s." % e, flush=True)
        print("link: simulated, a socket pair between the two processes, %s%s"
              % (limit, " by the sender itself (a token bucket, burst %d bytes)" % BURST if rate else ""), flush=True)
        sock, theirs_sock = socket.socketpair()
        conn, theirs = ctx.Pipe()
        rx = ctx.Process(target=receive, args=(theirs, False, theirs_sock), name="receiver")
        rx.start()
        theirs.close()
        theirs_sock.close()
        throttle = rate
    start = time.monotonic()
    send_all(sock, payload, throttle)
    try:
        said = conn.recv() if conn.poll(60) else "no answer in 60 s"
    except EOFError:
        said = "it ended early"
    took = time.monotonic() - start
    sock.close()
    if not said.startswith("done "):
        rx.kill()
    rx.join()
    print("sender: sent %d bytes in %.2f s, until the receiver had them all" % (len(payload), took), flush=True)
    if not said.startswith("done "):
        print("the receiver did not finish: %s" % said)
        sys.exit(1)


if __name__ == "__main__":
    main()
