"""An 8 GiB sparse file in helpers/ (a few bytes on disk): hashing or copying it whole would
take the grader's memory or disk. Left out by size, never read."""
SPARSE = {"helpers/weights.bin": 8 * 1024 ** 3}
