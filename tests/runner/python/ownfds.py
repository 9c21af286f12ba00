# A program that moves its own fds: stderr onto stdout, stdout of a child
# onto a file. It still runs; the file gets the child's line, not parlab.
import multiprocessing as mp
import os
import sys


def child(path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.close(fd)
    print("into the file")
    sys.stdout.flush()
    p = mp.Process(target=print, args=("grandchild, into the file too",))
    p.start()
    p.join()


def closer():
    # No stdout, no stderr at all, then a child of its own.
    sys.stdout = sys.stderr = open(os.devnull, "w")
    os.close(1)
    os.close(2)
    p = mp.Process(target=os.getpid)
    p.start()
    p.join()
    sys.exit(p.exitcode)


if __name__ == "__main__":
    os.dup2(1, 2)
    print("stderr now on stdout", file=sys.stderr)
    p = mp.Process(target=child, args=("out.txt",))
    p.start()
    p.join()
    with open("out.txt") as f:
        print("file says: " + f.read().replace("\n", " / "))
    q = mp.Process(target=closer)
    q.start()
    q.join()
    print("the closer exited %d" % q.exitcode)
