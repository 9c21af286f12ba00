import dask
import dask.dataframe as dd
from dask.distributed import Client, LocalCluster

if __name__ == '__main__':
    # An existing cluster, if one was named: Dask's own setting, which the
    # environment variable DASK_SCHEDULER_ADDRESS gives (parlab sets it from
    # --dask-scheduler ADDR). Its workers are already running.
    address = dask.config.get('scheduler-address', None)
    if address:
        print(f'Connecting to the cluster at {address}')
        cluster = None
        client = Client(address)
    else:
        # Else a cluster on this machine: a scheduler and two worker processes
        # with two threads each, reachable only from this machine.
        cluster = LocalCluster(n_workers=2, threads_per_worker=2, host='127.0.0.1',
                               dashboard_address='127.0.0.1:0',
                               worker_dashboard_address='127.0.0.1:0',
                               local_directory='dask-worker-space')
        client = Client(cluster)

    # Load a large dataset, cut into partitions of about 500 kB
    ddf = dd.read_csv('large_dataset.csv', blocksize=500_000)
    workers = len(client.scheduler_info()['workers'])
    print(f'{ddf.npartitions} partitions, {workers} worker processes')

    # Perform a computation
    result = ddf['column_name'].mean().compute()
    print(f'Mean value: {result}')

    client.close()
    if cluster is not None:   # stop only a cluster this program started
        cluster.close()
