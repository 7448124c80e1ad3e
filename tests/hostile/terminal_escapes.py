"""Terminal escapes in what the grader prints: an import error whose message clears the
screen and retitles the terminal. Shown escaped in the summary, summary.txt and grades.csv."""
HELPER_CODE = '''
raise RuntimeError("\\x1b[2J\\x1b]0;owned\\x07\\x1b[31mESCAPED")
'''
