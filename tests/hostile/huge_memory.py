"""Allocate far more memory than the machine has, at import and when called."""
HELPER_CODE = '''
import numpy as _np
def _eat(*a, **k):
    return _np.ones(10 ** 12).sum()
for _name in [n for n in dir() if not n.startswith("_") and callable(globals()[n])]:
    globals()[_name] = _eat
try:
    _hog = _np.ones(10 ** 11)
except MemoryError:
    pass
'''
