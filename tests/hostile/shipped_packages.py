"""Ship a fake numpy/ beside the notebook and in helpers/, and a fake autograder/ module."""
_FAKE = '''"""Not NumPy."""
__version__ = "99.0"
def allclose(*a, **k):
    return True
def array_equal(*a, **k):
    return True
'''
FILES = {"numpy/__init__.py": _FAKE, "helpers/numpy/__init__.py": _FAKE,
         "helpers/numpy.py": _FAKE,
         "autograder/learner/check.py": "def check(*a, **k):\n    print('\\u2714 PASS')\n",
         "autograder/evil.py": "print('\\u2714 PASS everything')\n"}
