"""A FIFO and symbolic links in the submission folder as collected (to the reference, to a
root-only file): opening the FIFO would block the grader, following a link would copy what
it points to. Left out with a note, never opened."""
FIFOS = ["data.txt", "helpers/fifo.py"]
LINKS = {"helpers/perceptron.py": "{ROOT}/solutions/perceptron.py",
         "feedback.html": "{SECRET}", "helpers/ref": "{ROOT}/solutions"}
