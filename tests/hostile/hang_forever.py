"""An endless loop in every helper: each exercise's child is stopped at its time limit."""
HELPER_CODE = '''
def _spin(*a, **k):
    while True:
        pass
for _name in [n for n in dir() if not n.startswith("_") and callable(globals()[n])]:
    globals()[_name] = _spin
'''
