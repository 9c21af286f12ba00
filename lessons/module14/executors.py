import concurrent.futures
import sys
import time

def work(n):
    """CPU-bound: pure Python arithmetic, no I/O, no sleeping"""
    total = 0
    for i in range(n):
        total += i * i
    return total

if __name__ == '__main__':
    kind = sys.argv[1] if len(sys.argv) > 1 else 'threads'
    if kind == 'threads':
        Executor = concurrent.futures.ThreadPoolExecutor
    else:
        Executor = concurrent.futures.ProcessPoolExecutor
    start = time.perf_counter()
    with Executor(max_workers=2) as pool:
        results = list(pool.map(work, [3_000_000] * 4))
    took = time.perf_counter() - start
    print(f'{kind}: 4 tasks on 2 workers took {took:.2f} s')
