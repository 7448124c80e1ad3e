"""Files whose names are not UTF-8 or carry a terminal escape, in helpers/ and beside the
notebook: left out with a note (the name shown escaped), the rest graded."""
RAW_FILES = {b"helpers/\xff\xfe.py": b"x = 1\n", b"notes\xff.txt": b"hello\n",
             b"helpers/\x1b[2J\x1b]0;owned\x07.py": b"y = 2\n"}
