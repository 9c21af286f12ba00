# parlab's helper: on PYTHONPATH only for the Python programs parlab runs
# (a lesson's `command`). It gives every process its own output pipes and
# tells parlab the Python names of processes and threads; see parlab/_boot.py.
# Whatever goes wrong here, the program runs as without it.
try:
    import parlab._boot
    parlab._boot.start()
except Exception:
    pass
