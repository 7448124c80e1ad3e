"""A 25 MB markdown cell: the notebook is past the size cap and is replaced by the released
one (the helper code is still graded)."""
MARKDOWN = ["# notes\n\n" + "lorem ipsum " * 2_200_000]
