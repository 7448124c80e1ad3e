"""Authoring tools: the generated parts of the course (stubs, check cells' metadata,
facilitator guides, slide tags: ``python -m autograder sync``) and what an author runs
while writing a sprint (slides, answer notes).

Runs only in the course repository, at authoring time; never shipped to learners.
"""
