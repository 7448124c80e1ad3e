"""From a notebook cell, turn files of the assignment folder into symbolic links to the
reference, the gradebook and a root-only file, hoping nbgrader (running outside the jail, as
the grader's user) follows them: its chmod after autograde, its copy into the feedback folder
(``*.html`` names are kept there), the grader's own reading of the kernel's log."""
CELLS = ['''
import glob, os, sys
targets = ["{OUT}/gradebook.db", "{SECRET}", "{ROOT}/solutions/__init__.py"]
targets += ["{ROOT}/solutions/" + os.path.basename(f) for f in glob.glob("helpers/*.py")]
for i, target in enumerate(targets):
    for name in (f"leak{i}.html", f"helpers/leak{i}.html", f"leak{i}.txt"):
        try:
            os.symlink(target, name)
        except Exception as e:
            print("no", e)
for f in glob.glob("helpers/*.py"):      # the learner's own modules become the reference
    try:
        os.remove(f)
        os.symlink("{ROOT}/solutions/" + os.path.basename(f), f)
    except Exception as e:
        print("no", e)
try:                                      # the kernel's log, read back by the grader
    conn = sys.argv[sys.argv.index("-f") + 1]
    log = os.path.join(os.path.dirname(conn), "kernel.log")
    os.remove(log)
    os.symlink("{SECRET}", log)
except Exception as e:
    print("no", e)
''']
