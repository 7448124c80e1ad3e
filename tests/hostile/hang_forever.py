"""An endless loop in every helper, and a cell that sleeps far past every limit."""
HELPER_CODE = '''
def _spin(*a, **k):
    while True:
        pass
for _name in [n for n in dir() if not n.startswith("_") and callable(globals()[n])]:
    globals()[_name] = _spin
'''
CELLS = ['import time\ntime.sleep(100000)']
