"""One 12 MB output line: nbgrader's output limit counts lines, not bytes. The feedback
keeps a capped output."""
CELLS = ['print("A" * 12_000_000)']
# ... and saved in the notebook (graded without running it): 12 MB of one line and 300
# outputs in one cell
OUTPUTS = [{"output_type": "stream", "name": "stdout", "text": "A" * 12_000_000}] + \
    [{"output_type": "stream", "name": "stdout", "text": f"line {i}\n"} for i in range(300)]
