# A slow import at the top (slowmod sleeps 0.6 s as it loads), a fast one,
# and a slow one from inside a function: parlab says the top-level slow one.
import sys
import os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
with open('slowmod.py', 'w') as f:
    f.write('import time\ntime.sleep(0.6)\n')
with open('slowfn.py', 'w') as f:
    f.write('import time\ntime.sleep(0.6)\n')
import slowmod   # noqa: E402
import json      # noqa: E402,F401


def later():
    import slowfn  # noqa: F401


later()
print('imported')
