"""Live script in the feedback HTML: a <script> output and an <img onerror> handler from a
notebook cell, the same in a markdown cell. The feedback is sanitised."""
CELLS = ['''
from IPython.display import HTML, Javascript, display
display(HTML('<script>LEARNER_SCRIPT()</script><img src="x" onerror="LEARNER_SCRIPT()">'))
display(Javascript("LEARNER_SCRIPT()"))
''']
MARKDOWN = ['<script>LEARNER_SCRIPT()</script>\n\n<img src="x" onerror="LEARNER_SCRIPT()">']
# ... and the same outputs saved in the notebook (graded without running it)
OUTPUTS = [{"output_type": "display_data", "metadata": {},
            "data": {"text/html": '<script>LEARNER_SCRIPT()</script>'
                                  '<img src="x" onerror="LEARNER_SCRIPT()">',
                     "application/javascript": "LEARNER_SCRIPT()",
                     "text/plain": "<IPython.core.display.HTML object>"}}]
