# A named thread prints and marks (both are its process's: a thread's
# output goes to the process's pipe); a child process marks on its lane.
import multiprocessing as mp
import threading
import time

import parlab


def counter():
    parlab.mark("thread marks")
    print("from the thread")
    time.sleep(0.3)


def child():
    parlab.mark("child marks")
    print("from the child")
    time.sleep(0.1)


if __name__ == "__main__":
    parlab.mark("main marks")
    t = threading.Thread(target=counter, name="Counter")
    t.start()
    t.join()
    p = mp.Process(target=child, name="Marker")
    p.start()
    p.join()
