# A Python program for parlab's stepper (tests/lessons/good/pystep.lua):
# run under run{ stepper = true }, its locks, Values, queues and its
# threads' and processes' start and join are step points.
#   racy:     two processes each do v.value += 1 (a read, then a write)
#   tracy:    the same in two threads
#   locked:   the same under a multiprocessing.Lock
#   threads:  two threads, each v.value += 1 under a threading.Lock
#   queue:    a process puts two items into a Queue(1), the main one takes them
#   tqueue:   the same with a thread and a queue.Queue(1)
#   deadlock: two threads take two threading.Locks in opposite order
#   hidden:   a spawned process whose target its new interpreter cannot
#             find (defined under the main guard): it dies before its hello
import multiprocessing as mp
import queue
import sys
import threading


def racy(v):
    v.value += 1


def locked(v, lock):
    with lock:
        v.value += 1


def producer(q):
    q.put("a")
    q.put("b")


def opposite(first, second):
    with first:
        with second:
            pass


def run_all(workers):
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def main(mode):
    v = mp.Value("i", 0)
    if mode == "racy":
        run_all([mp.Process(target=racy, args=(v,)) for _ in range(2)])
    elif mode == "tracy":
        run_all([threading.Thread(target=racy, args=(v,)) for _ in range(2)])
    elif mode == "locked":
        lock = mp.Lock()
        run_all([mp.Process(target=locked, args=(v, lock)) for _ in range(2)])
    elif mode == "threads":
        lock = threading.Lock()
        run_all([threading.Thread(target=locked, args=(v, lock)) for _ in range(2)])
    elif mode in ("queue", "tqueue"):
        q = mp.Queue(1) if mode == "queue" else queue.Queue(1)
        p = (mp.Process if mode == "queue" else threading.Thread)(target=producer, args=(q,))
        p.start()
        print("took", q.get() + q.get())
        p.join()
        return
    elif mode == "hidden":
        p = mp.Process(target=hidden, args=(v,))
        p.start()
        p.join()
        print("exit code", p.exitcode)
        return
    elif mode == "deadlock":
        a, b = threading.Lock(), threading.Lock()
        run_all([threading.Thread(target=opposite, args=(a, b)), threading.Thread(target=opposite, args=(b, a))])
        return
    print("final value", v.value)


if __name__ == "__main__":
    def hidden(v):   # a spawned child imports this file as __mp_main__: no hidden there
        v.value += 1

    main(sys.argv[1])
