"""Build the course's bundled digits, ``data/mnist-small/``, from the official MNIST test set.

From the repository root::

    python data/build_bundled.py --source ../shared/data/mnist           # (re)write the bundle
    python data/build_bundled.py --source ../shared/data/mnist --check   # compare, write nothing

``--source`` is a folder holding ``t10k-images-idx3-ubyte.gz`` and ``t10k-labels-idx1-ubyte.gz``
(or the same unpacked); their content is checked against the official files first. The split
(see ``data/README.md``): per class, the digits are shuffled with
``numpy.random.default_rng(0)``; the first ones go to validation, the next ones to test, the rest
to train, with each part's per-class counts proportional to the class sizes (largest remainder
for the rounding); then each part is shuffled with the same generator. The six files are written
as gzip IDX with a fixed gzip header (no name, time stamp 0), so a rebuild gives the same bytes,
and the table of sizes and checksums in ``data/README.md`` is rewritten to match.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from solutions import datasets as ds  # noqa: E402  (the reference, run from anywhere)

SEED = 0
OUT = HERE / ds.BUNDLE
README = HERE / "README.md"
SOURCE = {  # the official MNIST test set: sha256 of each file's IDX content (after gunzip)
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
BEGIN = "<!-- BEGIN BUNDLE TABLE: written by data/build_bundled.py, do not edit -->"
END = "<!-- END BUNDLE TABLE -->"


def read_source(folder: Path):
    """The official test images (10000, 28, 28) and labels (10000,), checked."""
    arrays = []
    for stem, want in SOURCE.items():
        path = ds._find(folder, stem)
        if path is None:
            sys.exit(f"build_bundled: {folder} has no {stem}.gz (nor {stem})")
        raw = path.read_bytes()
        content = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        got = hashlib.sha256(content).hexdigest()
        if got != want:
            sys.exit(f"build_bundled: {path} is not the official MNIST file (sha256 of its "
                     f"content {got}, expected {want})")
        arrays.append(ds.read_idx(path))
    return arrays


def quota(class_counts: np.ndarray, n: int) -> np.ndarray:
    """``n`` split over the classes in proportion to ``class_counts`` (largest remainder).

    >>> quota(np.array([5, 3, 2]), 5)
    array([3, 1, 1])
    """
    total = int(class_counts.sum())
    exact = class_counts.astype(np.int64) * n
    out, rest = exact // total, exact % total
    extra = n - int(out.sum())
    order = sorted(range(len(class_counts)), key=lambda c: (-rest[c], c))
    out[order[:extra]] += 1
    return out


def split_indices(labels: np.ndarray, seed: int = SEED) -> dict:
    """``{split: indices into the source}``, stratified by class, each part shuffled."""
    rng = np.random.default_rng(seed)
    counts = np.bincount(labels, minlength=ds.NUM_CLASSES)
    n_val = quota(counts, ds.BUNDLE_SPLITS["validation"])
    n_test = quota(counts, ds.BUNDLE_SPLITS["test"])
    parts = {"train": [], "validation": [], "test": []}
    for c in range(ds.NUM_CLASSES):
        idx = rng.permutation(np.flatnonzero(labels == c))
        a, b = n_val[c], n_val[c] + n_test[c]
        parts["validation"].append(idx[:a])
        parts["test"].append(idx[a:b])
        parts["train"].append(idx[b:])
    out = {s: rng.permutation(np.concatenate(parts[s])) for s in ("train", "validation", "test")}
    for s, n in ds.BUNDLE_SPLITS.items():
        assert len(out[s]) == n, (s, len(out[s]), n)
    return out


def write_bundle(images, labels, out: Path) -> None:
    for split, idx in split_indices(labels).items():
        img_name, lab_name = ds.BUNDLE_FILES[split]
        ds.write_idx(out / img_name, images[idx])
        ds.write_idx(out / lab_name, labels[idx])


def table(folder: Path) -> str:
    """The README's markdown table of the bundle in ``folder``."""
    rows = [BEGIN, "",
            "| file | split | shape | bytes | sha256 of the file | sha256 after gunzip |",
            "|---|---|---|---:|---|---|"]
    counts = ["", "| split | " + " | ".join(str(c) for c in range(ds.NUM_CLASSES))
              + " | total |", "|---|" + "---:|" * (ds.NUM_CLASSES + 1)]
    for split, files in ds.BUNDLE_FILES.items():
        for name in files:
            path = folder / name
            raw = path.read_bytes()
            shape = " × ".join(f"{d:,}" for d in ds.read_idx(path).shape)
            rows.append(f"| `{ds.BUNDLE}/{name}` | {split} | {shape} | {len(raw):,} | "
                        f"{hashlib.sha256(raw).hexdigest()} | "
                        f"{hashlib.sha256(gzip.decompress(raw)).hexdigest()} |")
        per = np.bincount(ds.read_idx(folder / files[1]), minlength=ds.NUM_CLASSES)
        counts.append(f"| {split} | " + " | ".join(f"{n:,}" for n in per)
                      + f" | {per.sum():,} |")
    return "\n".join(rows + counts + ["", END])


def with_table(readme: str, new_table: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        sys.exit(f"build_bundled: {README} has no {BEGIN!r} ... {END!r} block")
    return pattern.sub(lambda _: new_table, readme)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, type=Path,
                        help="folder with the official MNIST test set (t10k-*-ubyte.gz)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild into a temporary folder and compare with data/ "
                             "(exit 1 on any difference); write nothing")
    args = parser.parse_args(argv)
    images, labels = read_source(args.source)
    if not args.check:
        write_bundle(images, labels, OUT)
        README.write_text(with_table(README.read_text(encoding="utf-8"), table(OUT)),
                          encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}/ ({sum(f.stat().st_size for f in OUT.iterdir()):,}"
              f" bytes) and the table in {README.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        write_bundle(images, labels, fresh)
        bad = [n for pair in ds.BUNDLE_FILES.values() for n in pair
               if not (OUT / n).is_file() or (OUT / n).read_bytes() != (fresh / n).read_bytes()]
        stale_readme = with_table(README.read_text(encoding="utf-8"), table(fresh)) != \
            README.read_text(encoding="utf-8")
    if bad or stale_readme:
        print("differs from a fresh build: " + ", ".join(bad + ["README.md"] * stale_readme))
        return 1
    print(f"{OUT.relative_to(ROOT)}/ and its table in README.md match a fresh build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
