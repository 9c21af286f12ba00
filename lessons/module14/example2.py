import dask.dataframe as dd

# Load a large dataset
ddf = dd.read_csv('large_dataset.csv')

# Perform a computation
result = ddf['column_name'].mean().compute()
print(f'Mean value: {result}')
