"""sys.exit at import and os._exit when called: the checker's process ends early."""
HELPER_CODE = '''
import os as _os, sys as _sys
if "ipykernel" not in _sys.modules:
    _sys.exit(0)
def _bye(*a, **k):
    _os._exit(0)
for _name in [n for n in dir() if not n.startswith("_") and callable(globals()[n])]:
    globals()[_name] = _bye
'''
CELLS = ['import os\nos._exit(0)']
