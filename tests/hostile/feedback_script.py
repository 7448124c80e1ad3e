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
                     "text/plain": "<IPython.core.display.HTML object>"}},
           {"output_type": "display_data", "metadata": {},
            "data": {"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg">'
                                      '<script>LEARNER_SCRIPT()</script>'
                                      '<circle r="4" onload="LEARNER_SCRIPT()"/></svg>',
                     "text/markdown": '<script>LEARNER_SCRIPT()</script>',
                     "text/plain": "<IPython.core.display.SVG object>"}}]
