"""The course's data sets (provided code: you do not need to edit this file).

Three sets of 28×28 grey-scale images (画像) with their labels (正解ラベル), classes 0 to 9:

``load_mnist_small(split)``
    Handwritten digits that come with the course (``data/mnist-small/``): 8,000 training
    (訓練データ), 1,000 validation (検証データ) and 1,000 test (テストデータ) images, taken from
    the official MNIST test set. Always there, offline, loads in a moment. Start with this.
``load_mnist(split)``
    The full MNIST set: 60,000 training and 10,000 test digits. Not in the repository: it is
    downloaded once (``download=True``) into a cache folder, or read from a folder you give.
``load_fashion_mnist(split)``
    Zalando's Fashion-MNIST, 60,000 + 10,000 pictures of clothes (``FASHION_MNIST_CLASSES``):
    read from Debian's package ``dataset-fashion-mnist`` when it is installed, or a folder you
    give, or the cache; downloaded only when you ask (``download=True``).

Every loader returns ``(x, t)``::

    x: (N, 784) float32, pixels scaled to [0, 1]     (the default)
       (N, 1, 28, 28) with flatten=False                (images as (N, C, H, W))
       pixel values 0..255 with normalize=False         (正規化 normalization off)
    t: (N,) int64 class indices 0..9, or (N, 10) one-hot rows with one_hot=True (one-hot表現)

>>> x, t = load_mnist_small("train")
>>> x.shape, x.dtype, t.shape, t.dtype
((8000, 784), dtype('float32'), (8000,), dtype('int64'))

Where a full set comes from, in this order (the first that has the two files of the split wins):

1. ``path=``: a folder you give (with the files, or with a ``mnist/`` or ``fashion-mnist/``
   folder holding them); nothing else is looked at, and ``download=True`` downloads into it;
2. the folder Debian's package installs (Fashion-MNIST only: ``/usr/share/datasets/...``);
3. the cache: ``$COURSE_DATA_DIR/<set>/``, else ``$XDG_CACHE_HOME/dl-from-scratch/<set>/``,
   else ``~/.cache/dl-from-scratch/<set>/``;
4. only with ``download=True``: a download from the mirrors of ``DATASETS`` (or ``base_url=``),
   checked against the published checksums, retried with backoff, with a progress bar, written
   into the cache only once complete and correct. Nothing is ever downloaded silently: without
   ``download=True`` a missing set is an error that lists your options.

The files are in the IDX format of MNIST (``read_idx``, ``write_idx``): a 4-byte magic number
(two zero bytes, the type code ``0x08`` for unsigned bytes, the number of dimensions), one
big-endian 4-byte size per dimension, then the values; usually gzip-compressed (``.gz``).
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import math
import os
import shutil
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

__all__ = [
    "load_mnist_small", "load_mnist", "load_fashion_mnist", "read_idx", "write_idx",
    "idx_bytes", "bundle_dir", "cache_dir", "find_files", "download_file", "MNIST_CLASSES",
    "FASHION_MNIST_CLASSES",
    "DATASETS", "DatasetNotFoundError", "DownloadError", "ChecksumError",
]

IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
MNIST_CLASSES = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                         "Shirt", "Sneaker", "Bag", "Ankle boot")
"""Class names by label: ``FASHION_MNIST_CLASSES[t[i]]`` names picture ``i``."""

IDX_UBYTE = 0x08
"""The IDX type code of unsigned bytes, the only one MNIST-style files use."""

# --------------------------------------------------------------------------- the sources
DATASETS = {
    "mnist": {
        "title": "MNIST",
        "mirrors": [
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ],
        # the published files, as the mirrors serve them (checksums of the .gz files)
        "files": {
            "train-images-idx3-ubyte.gz": {"md5": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                                           "size": 9912422},
            "train-labels-idx1-ubyte.gz": {"md5": "d53e105ee54ea40749a09fcbcd1e9432",
                                           "size": 28881},
            "t10k-images-idx3-ubyte.gz": {"md5": "9fb629c4189551a2d022fa330f9573f3",
                                          "size": 1648877},
            "t10k-labels-idx1-ubyte.gz": {"md5": "ec29112dd5afa0611ce80d1b7f02629c",
                                          "size": 4542},
        },
        "debian_package": None,
        "system_dirs": [],
        "classes": MNIST_CLASSES,
        "credit": "Yann LeCun, Corinna Cortes, Christopher J.C. Burges; CC BY-SA 3.0",
    },
    "fashion-mnist": {
        "title": "Fashion-MNIST",
        "mirrors": [
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ],
        "files": {
            "train-images-idx3-ubyte.gz": {"md5": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                                           "size": 26421880},
            "train-labels-idx1-ubyte.gz": {"md5": "25c81989df183df01b3e8a0aad5dffbe",
                                           "size": 29515},
            "t10k-images-idx3-ubyte.gz": {"md5": "bef4ecab320f06d8554ea6380940ec79",
                                          "size": 4422102},
            "t10k-labels-idx1-ubyte.gz": {"md5": "bb300cfdad3c16e7a12a480ee83cd310",
                                          "size": 5148},
        },
        # Debian recompressed the files: they hold the same images, but their .gz checksums
        # differ from the published ones (local files are checked as IDX, not by checksum).
        "debian_package": "dataset-fashion-mnist",
        "system_dirs": ["/usr/share/datasets/fashion-mnist"],
        "classes": FASHION_MNIST_CLASSES,
        "credit": "Zalando Research (Han Xiao, Kashif Rasul, Roland Vollgraf); MIT licence",
    },
}
"""Each full data set: its mirrors (base URLs tried in order), its files with their published
checksums (``md5`` and/or ``sha256`` of the file as served) and where a system package puts
it. A download is accepted only when every listed checksum matches."""

SPLIT_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
"""The (images, labels) file names of each split of a full set, without ``.gz``."""

BUNDLE = "mnist-small"
BUNDLE_SPLITS = {"train": 8000, "validation": 1000, "test": 1000}
BUNDLE_FILES = {s: (f"{s}-images-idx3-ubyte.gz", f"{s}-labels-idx1-ubyte.gz")
                for s in BUNDLE_SPLITS}
"""The bundled files (in ``data/mnist-small/`` of the course folder), per split."""

CACHE_ENV = "COURSE_DATA_DIR"
DOWNLOAD_RETRIES = 3          # tries per mirror for a failure that may pass (5xx, time-out)
DOWNLOAD_BACKOFF = 1.0        # seconds before the 2nd try, doubled before each next one
DOWNLOAD_TIMEOUT = 60         # seconds without an answer before a try fails
PROGRESS = True               # show a tqdm progress bar while downloading
_CHUNK = 1 << 16
_USER_AGENT = "dl-from-scratch-course (numpy data loader)"


class DatasetNotFoundError(FileNotFoundError):
    """A data set is not on this machine; the message lists the ways to get it."""


class DownloadError(OSError):
    """A download failed on every mirror; the message says what happened on each."""


class ChecksumError(DownloadError):
    """What was downloaded is not the published file (its checksum differs)."""


# --------------------------------------------------------------------------- IDX files
def read_idx(path) -> np.ndarray:
    """Read an IDX file (the format of MNIST), gzip-compressed or not.

    Parameters
    ----------
    path : str or Path, e.g. ``"train-images-idx3-ubyte.gz"``. A gzip file is recognised by
        its content, so a ``.gz`` file that a browser already unpacked still reads.

    Returns
    -------
    ndarray of uint8 with the shape the header declares: images ``(N, 28, 28)`` for magic
    number ``0x00000803``, labels ``(N,)`` for ``0x00000801``.

    Raises
    ------
    ValueError naming the file and what is wrong: a damaged or cut-off gzip stream, a wrong
    magic number, a header or data shorter than declared, or bytes left over.

    Example
    -------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte.gz")
    >>> write_idx(f, np.array([7, 2, 1], dtype=np.uint8))
    >>> read_idx(f)
    array([7, 2, 1], dtype=uint8)
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:
            raise ValueError(
                f"{path}: damaged gzip file ({type(e).__name__}: {e}). The file was probably "
                "cut short or corrupted while downloading or copying: delete it and get it "
                "again.") from None
        what = "after gunzip, "
    else:
        data = raw
        what = "not gzip-compressed, " if path.suffix == ".gz" else ""
    return _parse_idx(data, path, what)


def _parse_idx(data: bytes, path: Path, what: str = "") -> np.ndarray:
    n = len(data)
    if n < 4:
        raise ValueError(f"{path}: truncated: {what}the file has {n} bytes, fewer than the "
                         "4 of an IDX magic number")
    magic = int.from_bytes(data[:4], "big")
    zero, code, ndim = data[0:2], data[2], data[3]
    expect = ("an IDX file starts with two zero bytes, the type code 0x08 (unsigned bytes) "
              "and the number of dimensions: 0x00000803 for images, 0x00000801 for labels")
    if zero != b"\x00\x00":
        hint = " (it looks like a gzip stream: is it compressed twice?)" if (
            data[:2] == b"\x1f\x8b") else ""
        raise ValueError(f"{path}: wrong magic number 0x{magic:08X}{hint}: {what}its first "
                         f"two bytes are not zero; {expect}")
    if code != IDX_UBYTE:
        raise ValueError(f"{path}: wrong magic number 0x{magic:08X}: type code 0x{code:02X}, "
                         f"but only 0x08 (unsigned bytes) is supported; {expect}")
    if ndim == 0:
        raise ValueError(f"{path}: wrong magic number 0x{magic:08X}: it declares 0 "
                         f"dimensions; {expect}")
    header = 4 + 4 * ndim
    if n < header:
        raise ValueError(f"{path}: truncated: {what}the header of a {ndim}-dimensional IDX "
                         f"file needs {header} bytes, the file has {n}")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    want = math.prod(shape)
    have = n - header
    dims = " x ".join(f"{d:,}" for d in shape)
    if have < want:
        raise ValueError(f"{path}: truncated: {what}the header declares {dims} = {want:,} "
                         f"bytes of data, the file holds only {have:,}; the file was cut "
                         "short: delete it and get it again")
    if have > want:
        raise ValueError(f"{path}: size mismatch: {what}the header declares {dims} = "
                         f"{want:,} bytes of data, the file holds {have:,} ({have - want:,} "
                         "too many): it is not the file its header describes")
    return np.frombuffer(data, dtype=np.uint8, count=want, offset=header).reshape(shape).copy()


def idx_bytes(array) -> bytes:
    """The uncompressed IDX encoding of ``array`` (unsigned bytes, 1 or more dimensions)."""
    a = np.asarray(array)
    if a.dtype != np.uint8:
        if not np.issubdtype(a.dtype, np.integer) or a.size and (a.min() < 0 or a.max() > 255):
            raise ValueError(f"write_idx: IDX files here hold unsigned bytes (0..255): got "
                             f"dtype {a.dtype}" + (
                                 f" with values {a.min()}..{a.max()}" if a.size and
                                 np.issubdtype(a.dtype, np.integer) else ""))
        a = a.astype(np.uint8)
    if not 1 <= a.ndim <= 255 or any(d >= 2 ** 32 for d in a.shape):
        raise ValueError(f"write_idx: an IDX array has 1 to 255 dimensions, each below 2**32;"
                         f" got shape {a.shape}")
    head = bytes([0, 0, IDX_UBYTE, a.ndim]) + struct.pack(f">{a.ndim}I", *a.shape)
    return head + np.ascontiguousarray(a).tobytes()


def write_idx(path, array) -> None:
    """Write ``array`` (uint8, or integers 0..255) to an IDX file; gzip it when ``path`` ends
    in ``.gz``.

    The output is reproducible: the same array gives the same bytes (the gzip header carries
    no file name and time stamp 0). The file is written under a temporary name and renamed,
    so a reader never sees half of it.

    Example
    -------
    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "images-idx3-ubyte")
    >>> write_idx(f, np.zeros((2, 28, 28), dtype=np.uint8))
    >>> os.path.getsize(f)    # 4-byte magic number, 3 sizes of 4 bytes, 2 * 784 pixels
    1584
    """
    path = Path(path)
    data = idx_bytes(array)
    if path.suffix == ".gz":
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9,
                           mtime=0) as g:
            g.write(data)
        data = buf.getvalue()
    _atomic_write(path, data)


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a data file is readable by all
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _remove(name) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


# --------------------------------------------------------------------------- arrays for learning
def _as_arrays(images, labels, where, normalize, flatten, one_hot, dtype):
    if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{where}: images of shape {images.shape}, expected (N, 28, 28)")
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(f"{where}: {len(images)} images but labels of shape {labels.shape}")
    if labels.size and labels.max() >= NUM_CLASSES:
        raise ValueError(f"{where}: a label is {labels.max()}, expected 0..{NUM_CLASSES - 1}")
    dtype = np.dtype(dtype)
    if normalize and not np.issubdtype(dtype, np.floating):
        raise ValueError(f"normalize=True scales pixels to [0, 1]: it needs a floating dtype,"
                         f" got {dtype} (use normalize=False for pixel values 0..255)")
    x = images.astype(dtype)
    if normalize:
        x /= 255
    x = x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, *IMAGE_SHAPE)
    t = labels.astype(np.int64)
    if one_hot:
        t = np.eye(NUM_CLASSES, dtype=dtype)[t]
    return x, t


# --------------------------------------------------------------------------- the bundled set
def _course_roots() -> list:
    """Folders holding ``helpers/``, from this file upward, then from the working folder up."""
    starts = [Path(__file__).resolve().parent]
    try:
        starts.append(Path.cwd().resolve())
    except OSError:  # the working folder was deleted
        pass
    roots = []
    for start in starts:
        for p in (start, *start.parents):
            if p not in roots and (p / "helpers").is_dir():
                roots.append(p)
    return roots


def bundle_dir() -> Path:
    """The folder of the bundled digits: ``data/mnist-small/`` beside the course's ``helpers/``.

    Searched upward from this file, then from the working folder (in an assignment folder of
    the course, a copy of ``data/`` sits beside ``helpers/``).
    """
    roots = _course_roots()
    for root in roots:
        folder = root / "data" / BUNDLE
        if all((folder / f).is_file() for pair in BUNDLE_FILES.values() for f in pair):
            return folder
    looked = "\n".join(f"  - {r / 'data' / BUNDLE}" for r in roots) or (
        "  (no folder holding helpers/ above this file or the working folder)")
    raise DatasetNotFoundError(
        f"the bundled digits ({BUNDLE}) were not found. They come with the course: "
        f"data/{BUNDLE}/ beside helpers/. Looked in:\n{looked}\nRun from inside the course "
        "folder (or an assignment folder that has data/), or pass path='.../data/mnist-small'.")


def load_mnist_small(split="train", normalize=True, flatten=True, one_hot=False,
                     dtype=np.float32, path=None):
    """The course's bundled handwritten digits (手書き数字): offline, always there.

    10,000 digits of the MNIST test set, split once, stratified by class (every digit in
    the same proportion in each part): ``"train"`` 8,000 (訓練データ), ``"validation"`` 1,000
    (検証データ, for choosing hyperparameters), ``"test"`` 1,000 (テストデータ, look at it last).
    ``data/README.md`` says how the split was made.

    Parameters
    ----------
    split : ``"train"``, ``"validation"`` or ``"test"``
    normalize : scale pixels from 0..255 to [0, 1] (正規化)
    flatten : each image as one row of 784 values; else ``(1, 28, 28)`` (channel, height, width)
    one_hot : labels as one-hot rows (one-hot表現) instead of class indices
    dtype : dtype of ``x`` (and of one-hot ``t``)
    path : a folder holding the bundle's files, instead of ``data/mnist-small/``

    Returns
    -------
    x : (N, 784), or (N, 1, 28, 28) with ``flatten=False``
    t : (N,) int64 labels 0..9, or (N, 10) with ``one_hot=True``

    Example
    -------
    >>> x, t = load_mnist_small("validation", flatten=False, one_hot=True)
    >>> x.shape, t.shape, float(x.min()), float(x.max())
    ((1000, 1, 28, 28), (1000, 10), 0.0, 1.0)
    >>> np.bincount(t.argmax(axis=1))     # stratified: about 100 of each digit
    array([ 98, 114, 103, 101,  98,  89,  96, 103,  97, 101])
    """
    if split not in BUNDLE_FILES:
        raise ValueError(f"split must be one of {list(BUNDLE_FILES)}, got {split!r}")
    folder = Path(path) if path is not None else bundle_dir()
    img_name, lab_name = BUNDLE_FILES[split]
    missing = [f for f in (img_name, lab_name) if not (folder / f).is_file()]
    if missing:
        raise DatasetNotFoundError(f"{folder} does not hold {' and '.join(missing)}")
    images, labels = read_idx(folder / img_name), read_idx(folder / lab_name)
    return _as_arrays(images, labels, folder / img_name, normalize, flatten, one_hot, dtype)


# --------------------------------------------------------------------------- the full sets
def cache_dir() -> Path:
    """The course's cache folder: ``$COURSE_DATA_DIR``, else ``$XDG_CACHE_HOME/dl-from-scratch``,
    else ``~/.cache/dl-from-scratch``. Each data set has its own folder inside it."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "dl-from-scratch"
    return Path.home() / ".cache" / "dl-from-scratch"


def _system_dirs(name: str) -> list:
    """Folders where a system package keeps data set ``name`` (from ``dpkg -L`` if it can)."""
    info = DATASETS[name]
    dirs = []
    package = info.get("debian_package")
    if package and shutil.which("dpkg"):
        try:
            out = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True,
                                 timeout=20)
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None and out.returncode == 0:
            for line in out.stdout.splitlines():
                if line.strip().endswith(("-ubyte.gz", "-ubyte")):
                    folder = Path(line.strip()).parent
                    if folder not in dirs:
                        dirs.append(folder)
    for d in info.get("system_dirs", []):
        if Path(d) not in dirs:
            dirs.append(Path(d))
    return dirs


def _find(folder: Path, stem: str):
    """``folder/stem.gz`` or ``folder/stem`` (or the ``.idx3-ubyte`` spelling), if there."""
    for name in (f"{stem}.gz", stem, stem.replace("-idx", ".idx")):
        if (folder / name).is_file():
            return folder / name
    return None


def _candidates(name: str, path) -> list:
    """``[(folder, what it is)]`` in the order they are searched."""
    if path is not None:
        return [(Path(path), "the path you gave"), (Path(path) / name, "the path you gave")]
    package = DATASETS[name].get("debian_package")
    found = [(d, f"Debian's package {package}") for d in _system_dirs(name)]
    return found + [(cache_dir() / name, "the course's cache")]


def find_files(name: str, split: str, path=None):
    """The ``(images, labels)`` files of a split of a full set, or ``None`` if not here.

    ``name`` is ``"mnist"`` or ``"fashion-mnist"``; the folders are searched in the order the
    module's docstring gives (``path`` alone when it is given).
    """
    for folder, _ in _candidates(name, path):
        files = [_find(folder, stem) for stem in SPLIT_FILES[split]]
        if all(files):
            return tuple(files)
    return None


def _mb(nbytes) -> str:
    return f"{nbytes / 1e6:.0f} MB" if nbytes >= 1e6 else f"{nbytes / 1e6:.1f} MB"


def _not_found(name, split, path, loader) -> DatasetNotFoundError:
    info = DATASETS[name]
    stems = SPLIT_FILES[split]
    size = sum(info["files"].get(f"{s}.gz", {}).get("size", 0) for s in stems)
    lines = [f"{info['title']} ({split!r} split) is not on this machine. Looked for "
             f"{stems[0]}.gz and {stems[1]}.gz (or the same without .gz) in:"]
    seen = set()
    for folder, what in _candidates(name, path):
        if folder not in seen:
            seen.add(folder)
            lines.append(f"  - {folder}  ({what})")
    lines.append("Ways to get it:")
    if path is not None:
        lines.append(f"  1. {loader}({split!r}, path={str(path)!r}, download=True) downloads "
                     f"it (about {_mb(size)}, checked against its published checksums) into "
                     "that folder")
        lines.append("  2. put the files in that folder yourself, or give another path=")
    else:
        lines.append(f"  1. {loader}({split!r}, download=True) downloads it once (about "
                     f"{_mb(size)}, checked against its published checksums) into "
                     f"{cache_dir() / name}")
        n = 2
        if info.get("debian_package"):
            lines.append(f"  {n}. on Debian or Ubuntu: sudo apt-get install "
                         f"{info['debian_package']}")
            n += 1
        lines.append(f"  {n}. put the files in {cache_dir() / name} (set {CACHE_ENV} to use "
                     f"another cache folder), or in a folder of yours and pass path=")
    lines.append("Nothing is downloaded unless you ask. Offline right now? load_mnist_small() "
                 "needs nothing: its digits come with the course.")
    return DatasetNotFoundError("\n".join(lines))


def _load_full(name, loader, split, path, download, base_url, normalize, flatten, one_hot,
               dtype):
    if split not in SPLIT_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r} (a full set has no "
                         "validation split: hold out part of 'train' for one)")
    files = find_files(name, split, path)
    if files is None:
        if not download:
            raise _not_found(name, split, path, loader)
        folder = Path(path) if path is not None else cache_dir() / name
        files = tuple(_find(folder, stem) or download_file(name, f"{stem}.gz", folder,
                                                           base_url=base_url)
                      for stem in SPLIT_FILES[split])
    images, labels = read_idx(files[0]), read_idx(files[1])
    return _as_arrays(images, labels, files[0], normalize, flatten, one_hot, dtype)


def load_mnist(split="train", path=None, download=False, normalize=True, flatten=True,
               one_hot=False, dtype=np.float32, base_url=None):
    """The full MNIST handwritten digits: 60,000 ``"train"`` and 10,000 ``"test"`` images.

    Not bundled (the course ships ``load_mnist_small``): read from ``path``, or the cache, or
    downloaded when ``download=True`` (once; later calls read the cache). Without it, a
    missing set raises ``DatasetNotFoundError`` saying how to get it.

    Parameters
    ----------
    split : ``"train"`` or ``"test"``
    path : a folder holding the files (``train-images-idx3-ubyte.gz``, ...); only it is used
    download : download the files into the cache (or ``path``) when they are not found
    normalize, flatten, one_hot, dtype : as for ``load_mnist_small``
    base_url : a mirror (or list of mirrors) to download from instead of ``DATASETS``'s

    Returns
    -------
    x : (N, 784), or (N, 1, 28, 28) with ``flatten=False``; N = 60,000 or 10,000
    t : (N,) int64 labels 0..9, or (N, 10) with ``one_hot=True``

    MNIST: Yann LeCun, Corinna Cortes, Christopher J.C. Burges; CC BY-SA 3.0.
    """
    return _load_full("mnist", "load_mnist", split, path, download, base_url, normalize,
                      flatten, one_hot, dtype)


def load_fashion_mnist(split="train", path=None, download=False, normalize=True, flatten=True,
                       one_hot=False, dtype=np.float32, base_url=None):
    """Fashion-MNIST: 28×28 pictures of clothes, 60,000 ``"train"`` and 10,000 ``"test"``.

    Same shapes as MNIST, harder to classify; ``FASHION_MNIST_CLASSES[t]`` names the class.
    Read from ``path``, or Debian's package ``dataset-fashion-mnist`` (``apt-get install
    dataset-fashion-mnist``), or the cache; downloaded only with ``download=True``.

    Parameters and returns are those of ``load_mnist``:
    ``x: (N, 784)`` (or ``(N, 1, 28, 28)``), ``t: (N,)`` (or ``(N, 10)``).

    Fashion-MNIST: Zalando Research (Han Xiao, Kashif Rasul, Roland Vollgraf); MIT licence.
    """
    return _load_full("fashion-mnist", "load_fashion_mnist", split, path, download, base_url,
                      normalize, flatten, one_hot, dtype)


# --------------------------------------------------------------------------- downloading
def download_file(name: str, filename: str, folder, base_url=None) -> Path:
    """Download ``filename`` of data set ``name`` into ``folder`` and return its path.

    Mirrors are tried in order (``base_url``, a string or a list, replaces ``DATASETS``'s);
    a failure that may pass (HTTP 5xx, 408, 429, a time-out, a dropped connection) is retried
    ``DOWNLOAD_RETRIES`` times per mirror with growing pauses. The file is streamed into a
    temporary file beside its destination and renamed only when its checksums match
    ``DATASETS[name]["files"][filename]``: the folder never holds a partial or wrong file.
    Raises ``ChecksumError`` when every mirror served a wrong file, else ``DownloadError``.
    """
    info = DATASETS[name]
    sums = {k: v.lower() for k, v in info["files"].get(filename, {}).items()
            if k in ("md5", "sha256")}
    if not sums:
        raise ValueError(f"no checksum is known for {name} file {filename!r}: add its md5 or "
                         f"sha256 to DATASETS[{name!r}]['files'] (nothing unverified is "
                         "downloaded)")
    mirrors = info["mirrors"] if base_url is None else (
        [base_url] if isinstance(base_url, str) else list(base_url))
    dest = Path(folder) / filename
    dest.parent.mkdir(parents=True, exist_ok=True)
    failures = []  # (message, was it a checksum mismatch)
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        for attempt in range(1, DOWNLOAD_RETRIES + 1):
            try:
                _fetch(url, dest, sums)
                return dest
            except ChecksumError as e:
                failures.append((f"{url}: {e}", True))
                break
            except urllib.error.HTTPError as e:
                e.close()
                reason, again = f"HTTP {e.code} {e.reason}", e.code >= 500 or e.code in (408, 429)
            except (OSError, http.client.HTTPException) as e:
                reason = getattr(e, "reason", None) or e
                reason, again = f"{type(e).__name__}: {reason}", True
            if not again or attempt == DOWNLOAD_RETRIES:
                tries = "1 try" if attempt == 1 else f"{attempt} tries"
                failures.append((f"{url}: {reason} ({tries})", False))
                break
            time.sleep(DOWNLOAD_BACKOFF * 2 ** (attempt - 1))
    kind = ChecksumError if failures and all(c for _, c in failures) else DownloadError
    listing = "\n".join(f"  - {m}" for m, _ in failures)
    raise kind(f"could not download {info['title']} file {filename}:\n{listing}\nNothing was "
               f"saved in {dest.parent}. Try again later, give another mirror with base_url=, "
               "or get the files yourself and pass path=.")


def _fetch(url: str, dest: Path, sums: dict) -> None:
    """One try: stream ``url`` into a temporary file, check it, rename it to ``dest``."""
    hashes = {alg: hashlib.new(alg, usedforsecurity=False) for alg in sums}
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
            with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT) as response:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                size = 0
                with _progress(total, dest.name) as bar:
                    while chunk := response.read(_CHUNK):
                        out.write(chunk)
                        size += len(chunk)
                        for h in hashes.values():
                            h.update(chunk)
                        bar.update(len(chunk))
        if total is not None and size != total:
            raise ConnectionError(f"the connection closed after {size:,} of {total:,} bytes")
        for alg, want in sums.items():
            got = hashes[alg].hexdigest()
            if got != want:
                raise ChecksumError(f"{alg} checksum mismatch: expected {want}, got {got} "
                                    f"({size:,} bytes): not the published file")
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        _remove(tmp)
        raise


def _progress(total, desc):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, unit_divisor=1024,
                disable=not PROGRESS)
