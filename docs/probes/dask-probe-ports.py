import logging, os, subprocess, sys
# parlab Dask probe 3: which TCP ports a LocalCluster binds. Usage: dask-probe-ports.py "{kwargs dict}"
from distributed import LocalCluster, Client
if __name__ == "__main__":
    kw = eval(sys.argv[1])
    c = LocalCluster(n_workers=2, threads_per_worker=2, processes=True, silence_logs=logging.ERROR, **kw)
    cl = Client(c)
    pids = {os.getpid(), *cl.run(os.getpid).values()}
    out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout
    print(sys.argv[1], "->", sorted(l.split()[3] for l in out.splitlines() if any(f"pid={p}," in l for p in pids)))
    cl.close(); c.close()
