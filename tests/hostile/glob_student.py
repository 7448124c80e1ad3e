"""A student folder named ``victim*``: nbgrader reads a student id as a glob pattern, so
autograde would grade the victim's notebook under this id and write that kernel's scores
into the victim's gradebook rows. The folder must be refused before anything runs."""
STUDENT = "victim*"
REFUSED = True
