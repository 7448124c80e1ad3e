"""Exercise declarations, one module per sprint (``sprint1.py`` ...), each with a list
``EXERCISES`` of :class:`autograder.registry.Exercise`. Grader side only: these modules
import the reference solutions and generate hidden cases, and never ship to learners."""
