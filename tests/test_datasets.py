"""The course's data sets: the IDX reader and writer, the bundled digits, the loaders' options,
where the full sets are looked for, and downloading (against a local HTTP server).

No test here needs the network or anything outside the repository: the full sets are played
by small IDX files the tests write, served from 127.0.0.1 when a download is tested. Only
the last test reads a real full set, Debian's Fashion-MNIST, and it skips when that is absent.
"""
from __future__ import annotations

import doctest
import gzip
import hashlib
import http.server
import importlib.util
import re
import shutil
import socket
import struct
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from solutions import datasets as ds

from .conftest import ROOT

DATA = ROOT / "data"
BUNDLE = DATA / "mnist-small"
README = DATA / "README.md"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def fake_set(n, seed):
    """``n`` random 28×28 images and labels 0..9, standing in for a full data set's split."""
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, size=n).astype(np.uint8))


def write_split(folder: Path, split: str, images, labels, compress=True) -> dict:
    """Write a split of a full set the way MNIST names it; ``{file name: bytes}``."""
    out = {}
    for stem, array in zip(ds.SPLIT_FILES[split], (images, labels)):
        name = stem + (".gz" if compress else "")
        ds.write_idx(folder / name, array)
        out[name] = (folder / name).read_bytes()
    return out


@pytest.fixture
def no_system_dirs(monkeypatch):
    """Hide Debian's Fashion-MNIST (if installed) so that the cache's turn can be tested."""
    monkeypatch.setitem(ds.DATASETS["fashion-mnist"], "debian_package", None)
    monkeypatch.setitem(ds.DATASETS["fashion-mnist"], "system_dirs", [])


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    return folder


def files_in(folder: Path) -> list:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# =========================================================================== IDX files
@settings(max_examples=60, deadline=None)
@given(arrays(np.uint8, array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6)),
       st.booleans())
def test_idx_round_trip(array, compress):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("x-idx-ubyte.gz" if compress else "x-idx-ubyte")
        ds.write_idx(path, array)
        raw = path.read_bytes()
        assert (raw[:2] == b"\x1f\x8b") == compress
        back = ds.read_idx(path)
        assert back.dtype == np.uint8 and back.shape == array.shape
        np.testing.assert_array_equal(back, array)
        back[...] = 0  # a loaded array is the caller's to change
        ds.write_idx(path, array)
        assert path.read_bytes() == raw, "the same array gives the same bytes"
        assert [p.name for p in Path(tmp).iterdir()] == [path.name], "no temporary file left"


def test_idx_layout_is_mnists(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.int64).reshape(2, 28, 28) % 256
    ds.write_idx(tmp_path / "i", images)
    ds.write_idx(tmp_path / "l.gz", np.array([3, 1, 4]))
    raw = (tmp_path / "i").read_bytes()
    assert raw[:16] == struct.pack(">IIII", 0x00000803, 2, 28, 28)
    assert raw[16:] == images.astype(np.uint8).tobytes()
    packed = (tmp_path / "l.gz").read_bytes()
    assert packed[4:8] == b"\x00\x00\x00\x00", "gzip time stamp 0"
    assert not packed[3] & 0x08, "no file name in the gzip header"
    assert gzip.decompress(packed) == struct.pack(">II", 0x00000801, 3) + bytes([3, 1, 4])


def test_a_gz_name_holding_an_unpacked_file_still_reads(tmp_path):
    (tmp_path / "l.gz").write_bytes(struct.pack(">II", 0x801, 2) + b"\x05\x06")
    np.testing.assert_array_equal(ds.read_idx(tmp_path / "l.gz"), [5, 6])


@pytest.mark.parametrize("array,err", [
    (np.array([0.5, 1.0]), "unsigned bytes"),
    (np.array([1, 256]), "0..255"),
    (np.array([-1, 2]), "0..255"),
    (np.array(7, dtype=np.uint8), "1 to 255 dimensions"),
])
def test_write_idx_refuses_what_idx_bytes_cannot_hold(tmp_path, array, err):
    with pytest.raises(ValueError, match=err):
        ds.write_idx(tmp_path / "x", array)


LABELS = struct.pack(">II", 0x801, 5) + bytes([0, 1, 2, 3, 4])
IMAGES = struct.pack(">IIII", 0x803, 2, 28, 28) + bytes(2 * 784)


def _corrupt_deflate(data: bytes) -> bytes:
    packed = bytearray(gz(data))
    packed[12:20] = b"\xff" * 8          # inside the deflate stream, after the 10-byte header
    return bytes(packed)


def _bad_crc(data: bytes) -> bytes:
    packed = bytearray(gz(data))
    packed[-8] ^= 0xFF                   # the CRC-32 of the gzip trailer
    return bytes(packed)


BAD_FILES = {
    # name: (file content, file name, words the error must hold)
    "truncated data": (IMAGES[:-100], "i-idx3-ubyte", ["truncated", "1,568", "1,468"]),
    "truncated header": (IMAGES[:10], "i-idx3-ubyte", ["truncated", "header", "16 bytes"]),
    "shorter than a magic number": (b"\x00\x00", "l-idx1-ubyte", ["truncated", "2 bytes"]),
    "empty": (b"", "l-idx1-ubyte", ["truncated", "0 bytes"]),
    "truncated inside gzip": (gz(IMAGES)[:-30], "i-idx3-ubyte.gz", ["damaged gzip"]),
    "gzip cut inside its data": (gz(LABELS)[:15], "l-idx1-ubyte.gz", ["damaged gzip"]),
    "gzip data of an IDX cut short": (gz(IMAGES[:500]), "i-idx3-ubyte.gz",
                                      ["truncated", "after gunzip"]),
    "corrupted deflate": (_corrupt_deflate(IMAGES), "i-idx3-ubyte.gz", ["damaged gzip"]),
    "bad gzip CRC": (_bad_crc(LABELS), "l-idx1-ubyte.gz", ["damaged gzip"]),
    "not an IDX file": (b"<html>Not Found</html>", "l-idx1-ubyte.gz",
                        ["wrong magic number", "not gzip-compressed", "0x00000801"]),
    "gzip twice": (gz(gz(LABELS)), "l-idx1-ubyte.gz", ["wrong magic number", "twice"]),
    "nonzero first bytes": (b"\x01\x00" + LABELS[2:], "l-idx1-ubyte",
                            ["wrong magic number 0x01000801", "two bytes"]),
    "int32 type code": (b"\x00\x00\x0c\x01" + LABELS[4:], "l-idx1-ubyte",
                        ["wrong magic number 0x00000C01", "type code 0x0C"]),
    "zero dimensions": (b"\x00\x00\x08\x00", "l-idx1-ubyte", ["0 dimensions"]),
    "extra bytes": (LABELS + b"\x00\x00", "l-idx1-ubyte", ["size mismatch", "2 too many"]),
    "labels as images": (LABELS, "i-idx3-ubyte", None),  # valid IDX: the loader refuses it
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_a_value_error_naming_the_file_and_the_fault(tmp_path, case):
    content, name, words = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(content)
    if words is None:
        assert ds.read_idx(path).shape == (5,)
        return
    with pytest.raises(ValueError) as info:
        ds.read_idx(path)
    message = str(info.value)
    assert str(path) in message
    for word in words:
        assert word in message, message


def test_loaders_refuse_files_that_do_not_pair(tmp_path):
    images, labels = fake_set(4, 0)
    ds.write_idx(tmp_path / "train-images-idx3-ubyte.gz", images)
    ds.write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels[:3])
    with pytest.raises(ValueError, match="4 images but labels of shape"):
        ds.load_mnist("train", path=tmp_path)
    ds.write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.full(4, 10))
    with pytest.raises(ValueError, match="a label is 10"):
        ds.load_mnist("train", path=tmp_path)
    ds.write_idx(tmp_path / "train-images-idx3-ubyte.gz", np.zeros((4, 28, 27), np.uint8))
    with pytest.raises(ValueError, match=r"expected \(N, 28, 28\)"):
        ds.load_mnist("train", path=tmp_path)


# =========================================================================== the bundle
def readme_table() -> dict:
    """``{file name: {column: value}}`` from the table in data/README.md."""
    text = README.read_text(encoding="utf-8")
    rows = [ln for ln in text.splitlines() if ln.startswith("|")]
    header = next(r for r in rows if "sha256 of the file" in r)
    columns = [c.strip() for c in header.strip("|").split("|")]
    table = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        m = re.fullmatch(r"`mnist-small/([\w.-]+)`", cells[0])
        if m:
            table[m.group(1)] = dict(zip(columns, cells))
    return table


def test_bundled_files_are_the_ones_data_readme_lists():
    table = readme_table()
    assert sorted(table) == sorted(n for pair in ds.BUNDLE_FILES.values() for n in pair)
    assert files_in(BUNDLE) == sorted(table), "data/mnist-small/ holds exactly the listed files"
    for name, row in table.items():
        raw = (BUNDLE / name).read_bytes()
        assert sha256(raw) == row["sha256 of the file"], (
            f"{name} differs from data/README.md: rebuild with `python data/build_bundled.py "
            "--source ../shared/data/mnist` (it rewrites the table too)")
        assert sha256(gzip.decompress(raw)) == row["sha256 after gunzip"], name
        assert int(row["bytes"].replace(",", "")) == len(raw), name
        shape = tuple(int(d.replace(",", "")) for d in row["shape"].split("×"))
        assert ds.read_idx(BUNDLE / name).shape == shape, name


def test_data_readme_credits_mnist_and_says_how_to_rebuild():
    text = README.read_text(encoding="utf-8")
    for words in ("Yann LeCun", "Corinna Cortes", "Christopher J.C. Burges", "CC BY-SA 3.0",
                  "creativecommons.org/licenses/by-sa/3.0",
                  "python data/build_bundled.py --source ../shared/data/mnist",
                  "default_rng(0)", "8,000", "1,000"):
        assert words in text, words


@pytest.mark.parametrize("split", list(ds.BUNDLE_SPLITS))
def test_bundled_split_sizes_classes_and_pixels(split):
    n = ds.BUNDLE_SPLITS[split]
    x, t = ds.load_mnist_small(split, normalize=False, dtype=np.uint8)
    assert x.shape == (n, 784) and x.dtype == np.uint8
    assert t.shape == (n,) and t.dtype == np.int64
    counts = np.bincount(t, minlength=10)
    assert len(counts) == 10 and counts.min() > 0, "every digit in every split"
    # stratified: each class's share within half a percentage point of its share overall
    _, t_all = zip(*(ds.load_mnist_small(s, normalize=False, dtype=np.uint8)
                     for s in ds.BUNDLE_SPLITS))
    overall = np.bincount(np.concatenate(t_all)) / 10000
    assert np.abs(counts / n - overall).max() < 0.005
    assert x.min() == 0 and x.max() == 255
    assert (x > 0).mean() == pytest.approx(0.19, abs=0.03), "MNIST digits: ~19% ink"


def test_bundled_splits_are_disjoint_and_their_labels_fit_their_images():
    data = {s: ds.load_mnist_small(s) for s in ds.BUNDLE_SPLITS}
    seen = {}
    for split, (x, _) in data.items():
        for row in x:
            key = row.tobytes()
            assert key not in seen, f"an image is in both {seen[key]} and {split}"
            seen[key] = split
    assert len(seen) == 10000
    # labels belong to their images: a nearest class-mean classifier fitted on train does
    # far better than the 10% it would get if labels and images were shuffled apart
    x, t = data["train"]
    means = np.stack([x[t == c].mean(axis=0) for c in range(10)])
    for split in ("validation", "test"):
        xs, ts = data[split]
        guess = ((xs[:, None, :] - means[None]) ** 2).sum(axis=2).argmin(axis=1)
        assert (guess == ts).mean() > 0.75, split


def test_load_mnist_small_options():
    x, t = ds.load_mnist_small("validation")
    assert x.shape == (1000, 784) and x.dtype == np.float32 and t.shape == (1000,)
    assert x.min() == 0.0 and x.max() == 1.0
    x4, t4 = ds.load_mnist_small("validation", flatten=False, normalize=False)
    assert x4.shape == (1000, 1, 28, 28) and x4.dtype == np.float32
    np.testing.assert_allclose(x4.reshape(1000, -1) / 255, x, rtol=1e-6)
    assert set(np.unique(x4)) <= set(range(256))
    _, oh = ds.load_mnist_small("validation", one_hot=True, dtype=np.float64)
    assert oh.shape == (1000, 10) and oh.dtype == np.float64
    assert (oh.sum(axis=1) == 1).all() and (oh.argmax(axis=1) == t).all()
    x8, _ = ds.load_mnist_small("validation", normalize=False, dtype=np.uint8)
    assert x8.dtype == np.uint8 and (x8 == x4.reshape(1000, -1)).all()
    with pytest.raises(ValueError, match="floating dtype"):
        ds.load_mnist_small("validation", dtype=np.uint8)
    with pytest.raises(ValueError, match="'valid'"):
        ds.load_mnist_small("valid")


def _copy_module(folder: Path):
    """Import a copy of datasets.py from ``folder/helpers/`` (as a learner's would be)."""
    (folder / "helpers").mkdir(parents=True)
    shutil.copyfile(ROOT / "solutions" / "datasets.py", folder / "helpers" / "datasets.py")
    spec = importlib.util.spec_from_file_location(f"ds_copy_{folder.name}",
                                                  folder / "helpers" / "datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundle_is_found_beside_helpers_from_the_module_or_the_working_folder(
        tmp_path, monkeypatch):
    nowhere = tmp_path / "elsewhere"
    nowhere.mkdir()
    monkeypatch.chdir(nowhere)
    assert ds.bundle_dir() == BUNDLE, "found from the module's own folder"

    course = tmp_path / "course"       # a copy of the course with its own data/
    copy = _copy_module(course)
    shutil.copytree(BUNDLE, course / "data" / "mnist-small")
    assert copy.bundle_dir() == course / "data" / "mnist-small"

    lone = _copy_module(tmp_path / "lone")  # helpers/ without data/ beside it
    with pytest.raises(lone.DatasetNotFoundError) as info:
        lone.load_mnist_small()
    assert "data/mnist-small" in str(info.value) and str(tmp_path / "lone") in str(info.value)

    assignment = tmp_path / "assignment"   # an assignment folder: data/ beside helpers/
    (assignment / "helpers").mkdir(parents=True)
    shutil.copytree(BUNDLE, assignment / "data" / "mnist-small")
    (assignment / "notebooks").mkdir()
    monkeypatch.chdir(assignment / "notebooks")
    assert lone.bundle_dir() == assignment / "data" / "mnist-small", "found from the cwd"
    assert lone.load_mnist_small("test")[0].shape == (1000, 784)


def test_load_mnist_small_from_a_given_folder(tmp_path):
    shutil.copytree(BUNDLE, tmp_path / "b")
    x, t = ds.load_mnist_small("test", path=tmp_path / "b")
    assert x.shape == (1000, 784)
    (tmp_path / "b" / "test-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(ds.DatasetNotFoundError, match="test-labels-idx1-ubyte.gz"):
        ds.load_mnist_small("test", path=tmp_path / "b")


def _builder():
    spec = importlib.util.spec_from_file_location("build_bundled", DATA / "build_bundled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_builders_split_is_stratified_complete_and_seeded():
    build = _builder()
    labels = np.repeat(np.arange(10), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    parts = build.split_indices(labels)
    assert {s: len(i) for s, i in parts.items()} == ds.BUNDLE_SPLITS
    everything = np.concatenate(list(parts.values()))
    assert sorted(everything) == list(range(10000)), "a partition of the source"
    counts = {s: np.bincount(labels[i], minlength=10) for s, i in parts.items()}
    quota = build.quota(np.bincount(labels), 1000)
    assert quota.sum() == 1000
    assert (counts["validation"] == quota).all() and (counts["test"] == quota).all()
    assert not (np.diff(labels[parts["train"]]) == 0).all(), "each part is shuffled"
    again = build.split_indices(labels)
    assert all((parts[s] == again[s]).all() for s in parts), "the same seed, the same split"


def test_the_builders_docstring_examples_are_true():
    failures, tried = doctest.testmod(_builder(), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried > 0 and failures == 0


def test_the_builder_refuses_a_source_that_is_not_the_official_test_set(tmp_path):
    images, labels = fake_set(10, 1)
    ds.write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images)
    ds.write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels)
    with pytest.raises(SystemExit, match="not the official MNIST file"):
        _builder().read_source(tmp_path)
    with pytest.raises(SystemExit, match="has no"):
        _builder().read_source(tmp_path / "missing")


# =========================================================================== finding full sets
def test_an_explicit_path_is_used_plain_or_gz_or_one_level_down(tmp_path, cache):
    images, labels = fake_set(5, 2)
    write_split(tmp_path / "mine", "train", images, labels, compress=False)
    x, t = ds.load_mnist("train", path=tmp_path / "mine", normalize=False, flatten=False)
    assert x.shape == (5, 1, 28, 28) and (x[:, 0] == images).all() and (t == labels).all()
    write_split(tmp_path / "root" / "mnist", "test", images[:3], labels[:3])
    x, t = ds.load_mnist("test", path=str(tmp_path / "root"))
    assert x.shape == (3, 784) and (t == labels[:3]).all()
    one, _ = ds.load_mnist("test", path=tmp_path / "root", one_hot=True)
    assert one.shape == (3, 784)


def test_the_cache_is_used_and_the_path_beats_it(tmp_path, cache, monkeypatch):
    images, labels = fake_set(4, 3)
    write_split(cache / "mnist", "test", images, labels)
    x, t = ds.load_mnist("test", normalize=False, dtype=np.uint8)
    assert (x.reshape(4, 28, 28) == images).all() and (t == labels).all()
    other, other_labels = fake_set(2, 4)
    write_split(tmp_path / "given", "test", other, other_labels)
    assert ds.load_mnist("test", path=tmp_path / "given")[0].shape == (2, 784)
    # a path that lacks the files is an error, not a reason to fall back to the cache
    (tmp_path / "empty").mkdir()
    with pytest.raises(ds.DatasetNotFoundError) as info:
        ds.load_mnist("test", path=tmp_path / "empty")
    assert "path='" in str(info.value) and "download=True" in str(info.value)
    with pytest.raises(ds.DatasetNotFoundError):
        ds.load_mnist("train")            # the cache has the test split only


def test_where_the_cache_is(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "c"))
    assert ds.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("COURSE_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ds.cache_dir() == tmp_path / "xdg" / "dl-from-scratch"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert ds.cache_dir() == tmp_path / "home" / ".cache" / "dl-from-scratch"


def test_debians_folder_comes_before_the_cache_and_after_a_path(tmp_path, cache, monkeypatch):
    monkeypatch.setitem(ds.DATASETS["fashion-mnist"], "debian_package", None)
    monkeypatch.setitem(ds.DATASETS["fashion-mnist"], "system_dirs", [str(tmp_path / "sys")])
    write_split(tmp_path / "sys", "test", *fake_set(3, 5))
    write_split(cache / "fashion-mnist", "test", *fake_set(4, 6))
    write_split(tmp_path / "mine", "test", *fake_set(5, 7))
    assert len(ds.load_fashion_mnist("test")[1]) == 3
    assert len(ds.load_fashion_mnist("test", path=tmp_path / "mine")[1]) == 5
    shutil.rmtree(tmp_path / "sys")
    assert len(ds.load_fashion_mnist("test")[1]) == 4


def test_dpkg_tells_where_debians_package_is(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "dpkg"   # a stand-in for dpkg -L, with the package elsewhere
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\n[ "$1 $2" = "-L dataset-fashion-mnist" ] || exit 1\n'
                    "printf '/.\\n/opt/f\\n/opt/f/train-images-idx3-ubyte.gz\\n"
                    "/opt/f/t10k-labels-idx1-ubyte.gz\\n/usr/share/doc/x/README.md.gz\\n'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    monkeypatch.setitem(ds.DATASETS["fashion-mnist"], "system_dirs", ["/usr/share/x"])
    assert ds._system_dirs("fashion-mnist") == [Path("/opt/f"), Path("/usr/share/x")]
    monkeypatch.setitem(ds.DATASETS["fashion-mnist"], "debian_package", "other")
    assert ds._system_dirs("fashion-mnist") == [Path("/usr/share/x")], "not installed"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setitem(ds.DATASETS["fashion-mnist"], "debian_package", "dataset-fashion-mnist")
    assert ds._system_dirs("fashion-mnist") == [Path("/usr/share/x")], "no dpkg"


def test_nothing_found_and_no_download_lists_the_options(cache, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "no-dpkg-here"))  # as if the package were absent
    monkeypatch.setitem(ds.DATASETS["fashion-mnist"], "system_dirs", ["/nonexistent/fmnist"])
    monkeypatch.setattr(ds, "_fetch", lambda *a: pytest.fail("downloaded without being asked"))
    with pytest.raises(ds.DatasetNotFoundError) as info:
        ds.load_fashion_mnist("train")
    message = str(info.value)
    for words in ("Fashion-MNIST ('train' split) is not on this machine",
                  "train-images-idx3-ubyte.gz", "/nonexistent/fmnist",
                  str(cache / "fashion-mnist"), "load_fashion_mnist('train', download=True)",
                  "about 26 MB", "apt-get install dataset-fashion-mnist", "COURSE_DATA_DIR",
                  "path=", "load_mnist_small()"):
        assert words in message, (words, message)
    with pytest.raises(ds.DatasetNotFoundError, match="load_mnist\\('test', download=True\\)"):
        ds.load_mnist("test")
    with pytest.raises(ValueError, match="no validation split"):
        ds.load_mnist("validation")


# =========================================================================== downloading
class Server:
    """A tiny HTTP server on 127.0.0.1 serving scripted answers, counting requests."""

    def __init__(self):
        self.routes = {}      # path: list of (status, body, headers); the last one repeats
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.requests.append(self.path)
                answers = server.routes.get(self.path, [(404, b"not found", {})])
                status, body, headers = answers.pop(0) if len(answers) > 1 else answers[0]
                self.send_response(status)
                headers = {"Content-Length": str(len(body)), **headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def serve(self, name, *answers):
        self.routes[f"/{name}"] = [a if isinstance(a, tuple) else (200, a, {}) for a in answers]

    def hits(self, name):
        return self.requests.count(f"/{name}")

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def mnist_online(server, cache, monkeypatch):
    """Full MNIST's 'train' split as the local server serves it, with its checksums listed."""
    monkeypatch.setattr(ds, "DOWNLOAD_BACKOFF", 0.01)
    images, labels = fake_set(6, 8)
    with tempfile.TemporaryDirectory() as tmp:
        files = write_split(Path(tmp), "train", images, labels)
    monkeypatch.setitem(ds.DATASETS["mnist"], "files",
                        {n: {"sha256": sha256(b)} for n, b in files.items()})
    monkeypatch.setitem(ds.DATASETS["mnist"], "mirrors", [server.url])
    for name, body in files.items():
        server.serve(name, body)
    return {"images": images, "labels": labels, "files": files}


IMG, LAB = "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"


def test_a_download_is_checked_cached_and_not_repeated(server, cache, mnist_online, capsys):
    x, t = ds.load_mnist("train", download=True, normalize=False, dtype=np.uint8)
    assert (x.reshape(6, 28, 28) == mnist_online["images"]).all()
    assert (t == mnist_online["labels"]).all()
    assert server.hits(IMG) == 1 and server.hits(LAB) == 1
    assert files_in(cache) == [f"mnist/{IMG}", f"mnist/{LAB}"]
    for name, body in mnist_online["files"].items():
        assert (cache / "mnist" / name).read_bytes() == body
    assert IMG in capsys.readouterr().err, "a progress bar names the file"
    ds.load_mnist("train", download=True)
    ds.load_mnist("train")
    assert len(server.requests) == 2, "the second and third calls read the cache"


def test_a_download_goes_into_a_given_path(server, cache, mnist_online, tmp_path):
    ds.load_mnist("train", path=tmp_path / "mine", download=True)
    assert files_in(tmp_path / "mine") == [IMG, LAB] and not cache.exists()


def test_only_the_missing_file_is_downloaded(server, cache, mnist_online):
    (cache / "mnist").mkdir(parents=True)
    (cache / "mnist" / LAB).write_bytes(mnist_online["files"][LAB])
    ds.load_mnist("train", download=True)
    assert server.requests == [f"/{IMG}"]


def test_a_corrupted_download_is_a_checksum_error_and_leaves_nothing(server, cache,
                                                                     mnist_online):
    body = bytearray(mnist_online["files"][IMG])
    body[100] ^= 0x01
    server.serve(IMG, bytes(body))
    with pytest.raises(ds.ChecksumError) as info:
        ds.load_mnist("train", download=True)
    message = str(info.value)
    assert "sha256 checksum mismatch" in message and server.url + IMG in message
    assert mnist_online["files"] and sha256(mnist_online["files"][IMG]) in message
    assert "Nothing was saved" in message
    assert files_in(cache) == [], "no partial or wrong file in the cache"
    assert server.hits(IMG) == 1, "a wrong file is not fetched again from the same mirror"


def test_a_wrong_published_checksum_is_an_error(server, cache, mnist_online, monkeypatch):
    monkeypatch.setitem(ds.DATASETS["mnist"]["files"], IMG, {"md5": "0" * 32})
    with pytest.raises(ds.ChecksumError, match="md5 checksum mismatch: expected 0{32}"):
        ds.load_mnist("train", download=True)
    assert files_in(cache) == []


def test_md5_is_checked_too(server, cache, mnist_online, monkeypatch):
    for name, body in mnist_online["files"].items():
        monkeypatch.setitem(ds.DATASETS["mnist"]["files"], name,
                            {"md5": hashlib.md5(body).hexdigest(), "size": len(body)})
    assert ds.load_mnist("train", download=True)[0].shape == (6, 784)


def test_a_server_error_is_retried_then_reported(server, cache, mnist_online):
    server.serve(IMG, (500, b"oops", {}))
    with pytest.raises(ds.DownloadError) as info:
        ds.load_mnist("train", download=True)
    assert not isinstance(info.value, ds.ChecksumError)
    message = str(info.value)
    assert "HTTP 500" in message and f"{ds.DOWNLOAD_RETRIES} tries" in message, message
    assert "base_url=" in message and "path=" in message
    assert server.hits(IMG) == ds.DOWNLOAD_RETRIES
    assert files_in(cache) == []


def test_a_passing_server_error_is_overcome_by_a_retry(server, cache, mnist_online):
    server.serve(IMG, (503, b"busy", {}), (500, b"busy", {}), mnist_online["files"][IMG])
    assert ds.load_mnist("train", download=True)[0].shape == (6, 784)
    assert server.hits(IMG) == 3


def test_a_missing_file_is_not_retried_and_the_next_mirror_is_tried(server, cache,
                                                                     mnist_online, monkeypatch):
    second = Server()
    try:
        for name, body in mnist_online["files"].items():
            second.serve(name, body)
        server.routes.clear()                       # the first mirror answers 404
        monkeypatch.setitem(ds.DATASETS["mnist"], "mirrors", [server.url, second.url])
        assert ds.load_mnist("train", download=True)[0].shape == (6, 784)
        assert server.hits(IMG) == 1 and second.hits(IMG) == 1
    finally:
        second.close()


def test_a_connection_cut_short_is_retried_then_reported(server, cache, mnist_online):
    body = mnist_online["files"][IMG]
    server.serve(IMG, (200, body[:50], {"Content-Length": str(len(body))}))
    with pytest.raises(ds.DownloadError, match="closed after 50 of"):
        ds.load_mnist("train", download=True)
    assert server.hits(IMG) == ds.DOWNLOAD_RETRIES and files_in(cache) == []


def test_no_server_at_all_is_a_clear_error(cache, mnist_online):
    with socket.socket() as s:           # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ds.DownloadError) as info:
        ds.load_mnist("train", download=True, base_url=f"http://127.0.0.1:{port}")
    assert f"http://127.0.0.1:{port}/{IMG}" in str(info.value)
    assert "refused" in str(info.value).lower()
    assert files_in(cache) == []


def test_base_url_replaces_the_mirrors(server, cache, mnist_online, monkeypatch):
    monkeypatch.setitem(ds.DATASETS["mnist"], "mirrors", ["http://127.0.0.1:9/"])  # unused
    ds.load_mnist("train", download=True, base_url=server.url.rstrip("/"))
    assert len(server.requests) == 2


def test_nothing_is_downloaded_without_a_published_checksum(server, cache, mnist_online,
                                                            monkeypatch):
    monkeypatch.setitem(ds.DATASETS["mnist"], "files", {})
    with pytest.raises(ValueError, match="no checksum is known"):
        ds.load_mnist("train", download=True)
    assert server.requests == []


def test_without_download_the_server_is_never_asked(server, cache, mnist_online):
    with pytest.raises(ds.DatasetNotFoundError, match="download=True"):
        ds.load_mnist("train")
    assert server.requests == []


def test_the_published_checksums_are_well_formed():
    for info in ds.DATASETS.values():
        assert info["mirrors"] and all(m.endswith("/") for m in info["mirrors"])
        assert sorted(info["files"]) == sorted(
            f"{stem}.gz" for split in ds.SPLIT_FILES.values() for stem in split)
        for sums in info["files"].values():
            assert re.fullmatch(r"[0-9a-f]{32}", sums["md5"])
    # MNIST's test files are the ones the bundle was built from
    files = ds.DATASETS["mnist"]["files"]
    assert files["t10k-images-idx3-ubyte.gz"]["md5"] == "9fb629c4189551a2d022fa330f9573f3"
    assert files["t10k-labels-idx1-ubyte.gz"]["md5"] == "ec29112dd5afa0611ce80d1b7f02629c"


# =========================================================================== a real full set
def test_debians_fashion_mnist_when_installed():
    found = {s: ds.find_files("fashion-mnist", s) for s in ("train", "test")}
    if not all(found.values()):
        pytest.skip("Debian's package dataset-fashion-mnist is not installed "
                    "(apt-get install dataset-fashion-mnist to run this test)")
    for split, n in (("train", 60000), ("test", 10000)):
        x, t = ds.load_fashion_mnist(split, normalize=False, flatten=False, dtype=np.uint8)
        assert x.shape == (n, 1, 28, 28) and t.shape == (n,)
        assert (np.bincount(t) == n // 10).all(), "Fashion-MNIST is balanced"
        assert x.max() == 255
    assert len(ds.FASHION_MNIST_CLASSES) == 10
