"""A 245-character student folder: every path nbgrader and the grader derive from it (the
state file, the logs) is longer than a file name may be. Refused, and the class graded."""
STUDENT = "l" * 245
REFUSED = True
