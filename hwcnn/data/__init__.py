"""Datasets by name, as uint8 codes of the shared input encoding ([N, C, 32, 32], value k/256).

Splits: "test" is the official test set; "valid" is held out of the official training set
(MNIST: the pickle's own 50,000/10,000 split, or the last 10,000 of the IDX training set;
Fashion-MNIST and CIFAR-10: the last 10%), so the test set is never used for model selection.
See `sources` for where the files come from and `encoding` for the pixel format.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hwcnn.artifacts import default_cache  # where datasets are cached unless a command says otherwise
from hwcnn.data import sources
from hwcnn.data.encoding import PIXEL_HLS_TYPE, pad_to_32, to_float
from hwcnn.errors import HwcnnError
from hwcnn.outputs import replace_bytes

__all__ = ["DATASETS", "default_cache", "SPLITS", "DataSource", "DatasetInfo", "Split", "dataset_info", "describe",
           "load_split", "load_splits", "prepare", "to_float"]


SPLITS = ("train", "valid", "test")
ARRAYS_FILE = "arrays.npz"  # decoded splits in the cache, so loading skips unzipping and unpickling


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    channels: int
    num_classes: int
    class_names: tuple[str, ...]


DATASETS: dict[str, DatasetInfo] = {
    "mnist": DatasetInfo("mnist", 1, 10, tuple(str(d) for d in range(10))),
    "fashion-mnist": DatasetInfo("fashion-mnist", 1, 10, (
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")),
    "cifar10": DatasetInfo("cifar10", 3, 10, (
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")),
}
# Held-out share of the official training set: 60,000 // 6 = 10,000 for MNIST (the pickle's
# valid set when read from IDX files), 10% (6,000 / 5,000) for the others.
_VALID_DIVISOR = {"mnist": 6, "fashion-mnist": 10, "cifar10": 10}


@dataclass(frozen=True)
class Split:
    dataset: str          # "mnist" | "fashion-mnist" | "cifar10"
    split: str            # "train" | "valid" | "test"
    images: np.ndarray    # uint8 [N, C, 32, 32]: raw codes k of ap_ufixed<8,0> pixels, value = k/256
    labels: np.ndarray    # int64 [N]
    provenance: dict      # {"dataset", "source", "files": [{"file", "sha256"}...]}


def dataset_info(name: str) -> DatasetInfo:
    if name not in DATASETS:
        raise HwcnnError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[name]


def prepare(name: str, *, data_dir: Path | None = None, cache_dir: Path) -> dict:
    """Make sure the dataset's files are at hand and checked; return their provenance.

    With `data_dir` the user's files are used in place (nothing is copied into the cache).
    """
    dataset_info(name)
    if data_dir is not None:
        root = Path(data_dir).resolve()
        return sources.provenance(name, f"local:{root}", sources.find_layout(name, root), root)
    return sources.cached(name, cache_dir) or sources.fetch(name, cache_dir)


def load_split(name: str, split: str, *, data_dir: Path | None = None, cache_dir: Path) -> Split:
    """One split; from the cache this reads only that split's arrays."""
    dataset_info(name)
    if split not in SPLITS:
        raise HwcnnError(f"unknown split {split!r}; known: {', '.join(SPLITS)}")
    if data_dir is None and (hit := _from_arrays_file(name, cache_dir, (split,))):
        return hit[split]
    return load_splits(name, data_dir=data_dir, cache_dir=cache_dir)[split]


def load_splits(name: str, *, data_dir: Path | None = None, cache_dir: Path) -> dict[str, Split]:
    """All three splits, decoding the files once (and caching the result as ARRAYS_FILE)."""
    info = dataset_info(name)
    if data_dir is None and (hit := _from_arrays_file(name, cache_dir, SPLITS)):
        return hit
    record = prepare(name, data_dir=data_dir, cache_dir=cache_dir)
    root = Path(data_dir).resolve() if data_dir is not None else Path(cache_dir) / name
    arrays = sources.find_layout(name, root).read()
    if "valid" not in arrays:  # hold out the end of the official training set
        images, labels = arrays["train"]
        cut = len(labels) - len(labels) // _VALID_DIVISOR[name]
        arrays["train"], arrays["valid"] = (images[:cut], labels[:cut]), (images[cut:], labels[cut:])
    splits = {}
    for split in SPLITS:
        images, labels = arrays[split]
        if images.shape[1] != info.channels:
            raise HwcnnError(f"{name} {split}: images have {images.shape[1]} channels, expected {info.channels}")
        splits[split] = Split(name, split, np.ascontiguousarray(pad_to_32(images)), labels, record)
        problem = _problem(splits[split], info)
        if problem:
            raise HwcnnError(f"{name} {split} ({root}): {problem}")
    if data_dir is None:
        _write_arrays_file(Path(cache_dir) / name, splits, record)
    return splits


def describe(name: str, *, data_dir: Path | None = None, cache_dir: Path) -> tuple[dict, list[str]]:
    """`hwcnn data NAME`: the files fetched into the cache (or read in `data_dir`) and checked, then
    their provenance and each split's size and label counts: (summary, the lines that show it)."""
    prepare(name, data_dir=data_dir, cache_dir=cache_dir)  # the files' sha256 checked again
    splits = load_splits(name, data_dir=data_dir, cache_dir=cache_dir)
    record = splits["test"].provenance
    where = data_dir if data_dir is not None else Path(cache_dir) / name
    lines = [f"{name}: source {record['source']} ({where})"]
    lines += [f"  {entry['file']}  sha256 {entry['sha256']}" for entry in record["files"]]
    summary = {}
    for split, sp in splits.items():
        counts = np.bincount(sp.labels, minlength=DATASETS[name].num_classes).tolist()
        summary[split] = {"n": len(sp.labels), "shape": list(sp.images.shape), "label_counts": counts}
        lines.append(f"  {split:5}  {len(sp.labels):6} images  uint8 {list(sp.images.shape[1:])} "
                     f"({PIXEL_HLS_TYPE} codes)  per class {counts}")
    return {"dataset": name, "provenance": record, "splits": summary}, lines


def _from_arrays_file(name: str, cache_dir: Path, wanted: tuple[str, ...]) -> dict[str, Split] | None:
    """The decoded splits, if the cache holds them for exactly the recorded source files."""
    d = Path(cache_dir) / name
    try:
        record = json.loads((d / sources.PROVENANCE_FILE).read_text())
        with np.load(d / ARRAYS_FILE) as z:
            if str(z["provenance"]) != json.dumps(record, sort_keys=True):
                return None
            found = {s: Split(name, s, z[f"{s}_images"], z[f"{s}_labels"], record) for s in wanted}
    except Exception:  # a missing or damaged derived file is rebuilt from the checked source files
        return None
    info = dataset_info(name)
    if any(_problem(sp, info) for sp in found.values()):
        return None  # edited or damaged: rebuilt from the checked source files
    return found


def _problem(sp: "Split", info: DatasetInfo) -> str | None:
    """What is wrong with a split's arrays (uint8 [N, C, 32, 32] images, labels of the classes), if anything."""
    if sp.images.dtype != np.uint8 or sp.images.ndim != 4 or sp.images.shape[1:] != (info.channels, 32, 32):
        return f"images are {sp.images.dtype} {list(sp.images.shape)}, expected uint8 [N, {info.channels}, 32, 32]"
    if not np.issubdtype(sp.labels.dtype, np.integer) or sp.labels.shape != (len(sp.images),):
        return f"labels are {sp.labels.dtype} {list(sp.labels.shape)}, expected one integer per image"
    bad = sp.labels[(sp.labels < 0) | (sp.labels >= info.num_classes)]
    if bad.size:
        return f"label {int(bad[0])} is outside 0..{info.num_classes - 1}"
    return None


def _write_arrays_file(d: Path, splits: dict[str, Split], record: dict) -> None:
    """Keep the decoded splits for the next run, if the cache can be written: a read-only cache
    (shared, or on a read-only mount) serves every command that only reads, decoding each time."""
    buf = io.BytesIO()
    arrays = {f"{s}_{kind}": getattr(sp, kind) for s, sp in splits.items() for kind in ("images", "labels")}
    np.savez(buf, provenance=np.array(json.dumps(record, sort_keys=True)), **arrays)
    try:
        replace_bytes(d / ARRAYS_FILE, buf.getvalue())
    except OSError:
        pass  # optional: only the next run's decoding is saved by it


@dataclass(frozen=True)
class DataSource:
    """Where a command reads datasets: a local directory of standard files, else the cache."""

    data_dir: Path | None = None
    cache_dir: Path = field(default_factory=default_cache)

    def split(self, dataset: str, split: str) -> "Split":
        return load_split(dataset, split, data_dir=self.data_dir, cache_dir=self.cache_dir)
