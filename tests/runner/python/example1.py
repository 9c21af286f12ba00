import multiprocessing

def worker(num):
    """Function to execute in parallel"""
    print(f'Worker: {num}')

if __name__ == '__main__':
    jobs = []
    for i in range(5):
        p = multiprocessing.Process(target=worker, args=(i,))
        jobs.append(p)
        p.start()

    for job in jobs:
        job.join()
