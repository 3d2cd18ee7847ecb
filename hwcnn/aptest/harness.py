"""Compile ap_fixed operations with the Xilinx ap_types headers and run them on raw values.

This is the reference that the tests hold hwcnn.fixed to; nothing else uses it. Widths, integer
bits and modes are template parameters, so the C++ for a given list of operations is generated,
compiled once (the binary is cached under a hash of its sources, headers and flags) and then fed
any number of records through stdin by one process per call.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.resources
import importlib.util
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Union

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType

CXXFLAGS = ("-O3", "-std=c++14")  # hls4ml builds its C simulation with -O3 as well
HARNESS_CPP = Path(str(importlib.resources.files("hwcnn").joinpath("hls_files", "harness", "ap_harness.cpp")))


@dataclass(frozen=True)
class Cast:
    """dst = a as ap_fixed<64, 64 - src_frac>: conversion from a wide fixed-point value."""

    src_frac: int
    dst: FixedType

    def cpp(self) -> str:
        return f"ap_fixed<64, {64 - self.src_frac}> x; x.V = a; {self.dst.ap()} r = x;"


@dataclass(frozen=True)
class FromDouble:
    """dst = the double whose IEEE-754 bits are a (the constructor from double)."""

    dst: FixedType

    def cpp(self) -> str:
        return f"double x; std::memcpy(&x, &a, sizeof x); {self.dst.ap()} r = x;"


@dataclass(frozen=True)
class Add:
    """dst = a + b for raw values of types a and b: ap_fixed's full-precision sum, then cast."""

    a: FixedType
    b: FixedType
    dst: FixedType

    def cpp(self) -> str:
        return f"{self.a.ap()} x; x.V = a; {self.b.ap()} y; y.V = b; {self.dst.ap()} r = x + y;"


@dataclass(frozen=True)
class Mul:
    """dst = a * b for raw values of types a and b: ap_fixed's full-precision product, then cast."""

    a: FixedType
    b: FixedType
    dst: FixedType

    def cpp(self) -> str:
        return f"{self.a.ap()} x; x.V = a; {self.b.ap()} y; y.V = b; {self.dst.ap()} r = x * y;"


Op = Union[Cast, FromDouble, Add, Mul]


class Harness:
    """A compiled list of operations; `run` evaluates them on arrays of raw inputs."""

    def __init__(self, ops: Iterable[Op], cache_dir: Path | None = None, jobs: int | None = None):
        self.ops = tuple(ops)
        if not self.ops:
            raise ValueError("the harness needs at least one operation")
        self._index = {op: i for i, op in enumerate(self.ops)}
        self._width = np.array([op.dst.width for op in self.ops], dtype=np.int64)
        self._signed = np.array([op.dst.signed for op in self.ops])
        cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.binary = build(self.ops, cache_dir, jobs or os.cpu_count() or 1)

    def index(self, op: Op) -> int:
        return self._index[op]

    def run(self, op, a, b=0) -> np.ndarray:
        """Raw results (int64) of `op` on raw inputs a, b.

        op is one operation or an array of indices (one per element); a holds int64 raw values,
        or float64 values for FromDouble.
        """
        a = np.asarray(a)
        if a.dtype == np.float64:
            a = a.view(np.int64)
        ids = self._index[op] if isinstance(op, (Cast, FromDouble, Add, Mul)) else op
        ids, a, b = np.broadcast_arrays(np.asarray(ids, dtype=np.int64), a, np.asarray(b))
        records = np.stack([ids.ravel(), a.ravel(), b.ravel()], axis=1).astype(np.int64)
        proc = subprocess.run([str(self.binary)], input=records.tobytes(), capture_output=True)
        if proc.returncode != 0:
            raise HwcnnError(
                f"ap_fixed harness {self.binary} exited with status {proc.returncode}: "
                f"{_one_line(proc.stderr)}"
            )
        bits = np.frombuffer(proc.stdout, dtype=np.uint64)
        if bits.size != len(records):
            raise HwcnnError(f"ap_fixed harness returned {bits.size} results for {len(records)}")
        width, signed = self._width[ids.ravel()], self._signed[ids.ravel()]
        value = (bits & ((np.uint64(1) << width.astype(np.uint64)) - np.uint64(1))).view(np.int64)
        negative = signed & ((value >> (width - 1)) & 1).astype(bool)
        return np.where(negative, value - (np.int64(1) << width), value).reshape(ids.shape)


def default_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"hwcnn-aptest-{os.getuid()}"


def ap_types_dir() -> Path:
    """The ap_types headers that hls4ml ships: the ones its C simulation compiles against."""
    spec = importlib.util.find_spec("hls4ml")
    if spec is None or not spec.submodule_search_locations:
        raise HwcnnError("hls4ml is not installed; it ships the ap_types headers the harness needs")
    path = Path(spec.submodule_search_locations[0]) / "templates" / "vivado" / "ap_types"
    if not (path / "ap_fixed.h").is_file():
        raise HwcnnError(f"no ap_fixed.h under {path}; is the hls4ml installation complete?")
    return path


def build(ops: tuple[Op, ...], cache_dir: Path, jobs: int) -> Path:
    """Compile the harness for `ops` (in `jobs` parallel parts), or reuse a cached binary."""
    gxx = shutil.which("g++")
    if gxx is None:
        raise HwcnnError("g++ not found on PATH; install a C++ compiler to build the ap harness")
    include = ap_types_dir()
    sources = _sources(ops, max(1, min(jobs, len(ops))))
    digest = hashlib.sha256(repr(CXXFLAGS).encode())
    for name, text in sorted(sources.items()):
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    for header in sorted(include.rglob("*.h")):
        digest.update(header.read_bytes())
    binary = cache_dir / f"ap_harness-{digest.hexdigest()[:16]}"

    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / f"{binary.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # concurrent test workers compile once
        if binary.exists():
            return binary
        work = Path(tempfile.mkdtemp(prefix="build-", dir=cache_dir))
        for name, text in sources.items():
            (work / name).write_text(text)
        units = [name for name in sources if name.endswith(".cpp")]
        with contextlib.ExitStack() as logs:  # a log file each: no pipe to fill and block
            compiles = [
                subprocess.Popen(
                    [gxx, *CXXFLAGS, "-I", str(include), "-I", ".", "-c", name, "-o", f"{name}.o"],
                    cwd=work,
                    stderr=logs.enter_context(open(work / f"{name}.log", "wb")),
                )
                for name in units
            ]
            statuses = [proc.wait() for proc in compiles]
        for name, status in zip(units, statuses):
            _check(status, (work / f"{name}.log").read_bytes(), work)
        objects = [f"{name}.o" for name in units]
        link = subprocess.run([gxx, *objects, "-o", "ap_harness"], cwd=work, capture_output=True)
        _check(link.returncode, link.stderr, work)
        os.replace(work / "ap_harness", binary)
        shutil.rmtree(work)
    return binary


def _sources(ops: tuple[Op, ...], parts: int) -> dict[str, str]:
    """ap_harness.cpp, the table of operations it includes, and the operations in `parts` files."""
    sources = {"ap_harness.cpp": HARNESS_CPP.read_text()}
    head = "// Generated by hwcnn.aptest.harness.\n#include <cstdint>\n#include <cstring>\n"
    head += '#include "ap_fixed.h"\n#include "ap_int.h"\n'
    for part in range(parts):
        functions = [
            f"int64_t op_{i}(int64_t a, int64_t b) {{  // {op}\n"
            f"  (void)b;\n  {op.cpp()}\n  return (int64_t)r.V.to_uint64();\n}}\n"
            for i, op in enumerate(ops)
            if i % parts == part
        ]
        sources[f"ops_{part}.cpp"] = head + "".join(functions)
    table = "".join(f"int64_t op_{i}(int64_t a, int64_t b);\n" for i in range(len(ops)))
    table += "static const op_fn OPS[] = {" + ", ".join(f"op_{i}" for i in range(len(ops))) + "};\n"
    sources["ops_table.inc"] = table
    return sources


def _check(returncode: int, stderr: bytes, work: Path) -> None:
    if returncode != 0:
        raise HwcnnError(
            f"g++ failed building the ap_fixed harness (sources kept in {work}): "
            f"{_one_line(stderr)}"
        )


def _one_line(stderr: bytes, limit: int = 400) -> str:
    """The compiler's first error lines (or the last lines of anything else) on one line."""
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines[-3:]
    text = " | ".join(errors) or "no message"
    return text if len(text) <= limit else text[: limit - 3] + "..."
