import concurrent.futures
import os

def worker(num):
    """The same subtask as in example1.py, handed to a pool"""
    sum(range(3_000_000))  # a little real work, so that both pool processes get tasks
    return f'Task {num} ran in process {os.getpid()}'

if __name__ == '__main__':
    print(f'Parent process {os.getpid()}')
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        for line in pool.map(worker, range(5)):
            print(line)
