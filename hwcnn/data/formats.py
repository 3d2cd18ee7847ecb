"""Readers for the datasets' standard file formats: the MNIST pickle, IDX files, CIFAR-10 batches.

Each reader returns {split: (codes uint8 [N, C, H, W], labels int64 [N])} in the file's own
resolution (padding is the caller's business) and turns every problem into a HwcnnError that
names the file, so a corrupt download never reaches training as a confusing numpy error.
"""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import tarfile
import zlib
from pathlib import Path

import numpy as np

from hwcnn.data.encoding import to_codes
from hwcnn.errors import HwcnnError

NUM_CLASSES = 10  # all three datasets
CIFAR_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR_TEST_BATCH = "test_batch"
CIFAR_DIR = "cifar-10-batches-py"

Arrays = dict[str, tuple[np.ndarray, np.ndarray]]


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickling can run arbitrary code. The MNIST and CIFAR-10 pickles are the standard
    distribution formats and hold nothing but numpy arrays, dicts, lists and bytes, so any other
    global a file asks for is refused."""

    _ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"), ("numpy._core.multiarray", "_reconstruct"),
                ("numpy._core.multiarray", "scalar"),
                ("_codecs", "encode")}  # how protocol 2 spells bytes when Python 3 writes it

    def find_class(self, module: str, name: str):
        # Python-2 era pickles name numpy.core, which numpy 2 renamed to numpy._core.
        module = module.replace("numpy.core.", "numpy._core.")
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load the global {module}.{name}")
        return super().find_class(module, name)


def _gunzip(raw: bytes, where: str) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as err:
        raise HwcnnError(f"{where} is not a valid gzip file ({err})") from None


def _unpickle(raw: bytes, where: str, encoding: str) -> object:
    try:
        return _NumpyOnlyUnpickler(io.BytesIO(raw), encoding=encoding).load()
    except Exception as err:  # a corrupt pickle can raise almost anything
        raise HwcnnError(f"{where} is not a valid pickle ({type(err).__name__}: {err})") from None


def _labels(y: object, n: int, where: str) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise HwcnnError(f"{where}: labels have shape {y.shape} and type {y.dtype}; expected {n} integers")
    if n and (y.min() < 0 or y.max() >= NUM_CLASSES):
        raise HwcnnError(f"{where}: labels outside 0..{NUM_CLASSES - 1}")
    return y.astype(np.int64)


def read_mnist_pickle(path: Path) -> Arrays:
    """The classic mnist.pkl.gz: (train, valid, test), each (x float32 [N, 784] = k/256, y [N])."""
    where = str(path)
    data = _unpickle(_gunzip(Path(path).read_bytes(), where), where, encoding="latin1")
    pairs = isinstance(data, tuple) and len(data) == 3
    if not (pairs and all(isinstance(part, (tuple, list)) and len(part) == 2 for part in data)):
        raise HwcnnError(f"{where} does not hold the MNIST (train, valid, test) tuple of (x, y) pairs")
    out = {}
    for split, (x, y) in zip(("train", "valid", "test"), data):
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != 28 * 28:
            raise HwcnnError(f"{where}: {split} images have shape {x.shape}; expected [N, 784]")
        try:
            codes = to_codes(x)
        except ValueError as err:
            raise HwcnnError(f"{where}: {split} {err}") from None
        out[split] = (codes.reshape(-1, 1, 28, 28), _labels(y, len(x), f"{where} ({split})"))
    return out


def read_idx(path: Path) -> np.ndarray:
    """One IDX file of unsigned bytes (gzipped if its name ends in .gz)."""
    where = str(path)
    raw = Path(path).read_bytes()
    if where.endswith(".gz"):
        raw = _gunzip(raw, where)
    if len(raw) < 4 or raw[:3] != b"\x00\x00\x08":
        raise HwcnnError(f"{where} is not an IDX file of unsigned bytes (bad magic number)")
    ndim = raw[3]
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise HwcnnError(f"{where}: IDX header is truncated")
    dims = struct.unpack(f">{ndim}I", raw[4:start])
    if len(raw) - start != int(np.prod(dims)):
        raise HwcnnError(f"{where}: IDX header says {dims} but the file holds {len(raw) - start} data bytes")
    return np.frombuffer(raw, np.uint8, offset=start).reshape(dims)


def read_idx_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """An IDX images file [N, 28, 28] and its labels file [N]."""
    images = read_idx(images_path)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise HwcnnError(f"{images_path}: images have shape {images.shape}; expected [N, 28, 28]")
    labels = _labels(read_idx(labels_path), len(images), str(labels_path))
    return images.reshape(-1, 1, 28, 28), labels


def read_cifar_batch(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """One cifar-10-batches-py pickle: {b"data": uint8 [N, 3072] as R, G, B planes, b"labels": [N]}."""
    batch = _unpickle(raw, where, encoding="bytes")
    if not (isinstance(batch, dict) and b"data" in batch and b"labels" in batch):
        raise HwcnnError(f"{where} is not a CIFAR-10 batch (no b'data' and b'labels')")
    data = np.asarray(batch[b"data"])
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3 * 32 * 32:
        raise HwcnnError(f"{where}: data is {data.dtype} {data.shape}; expected uint8 [N, 3072]")
    # Each row is the red plane, then green, then blue, each 32x32 row-major: [N, C, H, W].
    return data.reshape(-1, 3, 32, 32), _labels(batch[b"labels"], len(data), where)


def read_cifar(batches: dict[str, bytes], where: str) -> Arrays:
    """The five training batches and the test batch, by their standard names."""
    train = [read_cifar_batch(batches[name], f"{where}/{name}") for name in CIFAR_TRAIN_BATCHES]
    test = read_cifar_batch(batches[CIFAR_TEST_BATCH], f"{where}/{CIFAR_TEST_BATCH}")
    return {"train": (np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train])), "test": test}


def read_cifar_dir(directory: Path) -> Arrays:
    return read_cifar({name: (directory / name).read_bytes()
                       for name in (*CIFAR_TRAIN_BATCHES, CIFAR_TEST_BATCH)}, str(directory))


def read_cifar_tar(path: Path) -> Arrays:
    """cifar-10-python.tar.gz, read in memory without unpacking it."""
    batches = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for name in (*CIFAR_TRAIN_BATCHES, CIFAR_TEST_BATCH):
                member = tar.extractfile(f"{CIFAR_DIR}/{name}")
                if member is None:
                    raise KeyError(name)
                batches[name] = member.read()
    except KeyError as err:
        raise HwcnnError(f"{path} lacks {CIFAR_DIR}/{err.args[0]}") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as err:
        raise HwcnnError(f"{path} is not a valid .tar.gz file ({err})") from None
    return read_cifar(batches, str(path))
