"""A notebook cell that sleeps far past every limit (helpers that answer None at once).

Graded with the notebooks executed: nbgrader's cell time limit stops the cell, and the
notebook is graded again as released. (The endless loop in the helpers themselves is
``hang_forever``: the trusted child's time limit, with or without a kernel.)"""
HELPER_CODE = '''
def _none(*a, **k):
    return None
for _name in [n for n in dir() if not n.startswith("_") and callable(globals()[n])]:
    globals()[_name] = _none
'''
CELLS = ['import time\ntime.sleep(100000)']
