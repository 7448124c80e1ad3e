"""An endless loop in a function, a gate and a class: each exercise's child is stopped at its
time limit, and the exercises after it are graded as usual (one endless helper per kind of
exercise is enough to show it; the limit is per child, the same for every exercise)."""
HELPER_CODE = '''
def _spin(*a, **k):
    while True:
        pass
for _name in ("step_function", "AND", "Perceptron"):
    if _name in globals():
        globals()[_name] = _spin
'''
