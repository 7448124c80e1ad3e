"""The notebook names another kernel (the machine's plain python3, no jail) in its metadata,
then writes outside its folder and plants a link for nbgrader. The grader's kernel runs
whatever the notebook asks for."""
METADATA = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                           "language": "python"}}
CELLS = ['''
import os
for path in ("{ROOT}/PWNED_BY_A_LEARNER", "{OUT}/PWNED_BY_A_LEARNER"):
    try:
        open(path, "w").write("PWNED")
    except Exception as e:
        print("no", e)
try:
    os.symlink("{SECRET}", "escaped.html")
except Exception as e:
    print("no", e)
''']
