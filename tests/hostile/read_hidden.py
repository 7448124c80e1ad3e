"""Read the hidden-case generators, the gradebook and the grader's state, and print them."""
HELPER_CODE = '''
import glob as _glob
for _pattern in ("{ROOT}/autograder/exercises/*.py", "{OUT}/gradebook.db", "{OUT}/state/*",
                 "{OUT}/submitted/*/*/helpers/*.py"):
    for _f in _glob.glob(_pattern):
        try:
            print("LEA" "KED", _f, open(_f, "rb").read()[:200])
        except Exception:
            pass
'''
CELLS = [HELPER_CODE]
