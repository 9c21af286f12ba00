import numpy as np
import pandas as pd
import ray

# Starts Ray on this machine: its scheduler, its object store and worker
# processes (two CPUs' worth), no dashboard.
ray.init(num_cpus=2, include_dashboard=False)

@ray.remote
def partial_sum(chunk):
    """A task: a plain function, run in one of Ray's worker processes."""
    return float(chunk.sum()), len(chunk)

@ray.remote
class Total:
    """An actor: a plain class whose object lives in a worker process of
    its own and keeps its state from one call to the next."""
    def __init__(self):
        self.sum, self.count = 0.0, 0

    def add(self, part):
        s, n = part
        self.sum += s
        self.count += n

    def mean(self):
        return self.sum / self.count

column = pd.read_csv('large_dataset.csv')['column_name'].to_numpy()
# Into the object store: the worker processes on this machine read the
# chunks from shared memory, without a copy each.
chunks = [ray.put(c) for c in np.array_split(column, 6)]
parts = [partial_sum.remote(c) for c in chunks]     # six tasks, in parallel
total = Total.remote()
ray.get([total.add.remote(p) for p in parts])       # each result to the actor
print(f"Mean value: {ray.get(total.mean.remote())}")
ray.shutdown()
