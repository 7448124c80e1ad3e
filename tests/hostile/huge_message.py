"""A 2 MB exception message at import (15 times the csv module's field limit), in every
cell that imports the helpers and in the trusted run: grades.csv and the feedback would
grow without bound and the class report could not read grades.csv. Messages are capped."""
HELPER_CODE = '''
raise RuntimeError("M" * 2_000_000)
'''
