# Three children under the start method argv[1] names (spawn, forkserver).
import multiprocessing as mp
import sys


def worker(num):
    print(f"Started: {num} by {mp.current_process().name}")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    jobs = [mp.Process(target=worker, args=(i,)) for i in range(3)]
    for p in jobs:
        p.start()
    for p in jobs:
        p.join()
    print("parent done")
