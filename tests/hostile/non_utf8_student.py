"""A student folder whose name is not UTF-8: printing it, writing it to grades.csv or the
summary would raise. Refused with an escaped name, and the class graded."""
STUDENT = b"student\xff\xfe"
REFUSED = True
