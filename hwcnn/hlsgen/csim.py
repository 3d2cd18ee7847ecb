"""C simulation of an HLS project: compile hls4ml's C++ with g++ and run it on images.

The project's own build script (written by hls4ml) compiles the firmware and hls4ml's ctypes
bridge into a shared library. That library reads its weights at run time from a directory whose
absolute path is compiled into it, so hwcnn builds it in a cache entry that holds a copy of the
firmware, named by the firmware's content: any project with the same firmware (a re-conversion, a
new run directory, a read-only reference project) reuses it and compiles nothing. Batches are
spread over worker processes, each with its own copy of the library (the HLS code keeps static state).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from hwcnn.artifacts import CsimBuild, Project, build_cache_dir
from hwcnn.errors import HwcnnError
from hwcnn.outputs import lock, read_json, replace_json
from hwcnn.project import BuiltProject

KEEP_BUILDS = 32  # cached libraries kept, the least recently used go first

# hls4ml names each library with a fresh random stamp (to reload it in one process); it is not content
_LIB_STAMP = re.compile(rb"^LIB_STAMP=.*$", re.MULTILINE)


def _compiler() -> str:
    if shutil.which("g++") is None:
        raise HwcnnError("g++ not found: install a C++ compiler (e.g. `apt-get install g++`) to run the C simulation")
    if shutil.which("bash") is None:
        raise HwcnnError("bash not found on PATH: hls4ml's build script needs it")
    out = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "g++"


def _firmware_key(p: Project, compiler: str) -> str:
    """sha256 of what the library is made from: the sources (by path in the project), the build script
    and the compiler; not where the project lies."""
    h = hashlib.sha256(compiler.encode())
    for f in p.firmware_sources():
        if f.is_file():
            data = f.read_bytes()
            if f == p.build_script_path:
                data = _LIB_STAMP.sub(b"LIB_STAMP=hwcnn", data)
            h.update(str(f.relative_to(p.path)).encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()


def _built_lib(b: CsimBuild) -> Path | None:
    try:
        lib = b.path / read_json(b.stamp_path)["lib"]
    except (HwcnnError, KeyError, TypeError):
        return None  # not built, or a build that did not complete
    return lib if lib.is_file() else None


def build(project: BuiltProject | Path, quiet: bool = False) -> Path:
    """The project's C simulation library: the cached build of its firmware, compiled first if no
    project with this firmware was compiled before. Concurrent builds of one firmware wait for the first."""
    p = Project(Path(project.path if isinstance(project, BuiltProject) else project).resolve())
    if not p.build_script_path.exists():
        raise HwcnnError(f"{p.path} is not an hls4ml project ({p.build_script_path.name} missing)")
    b = CsimBuild(_firmware_key(p, _compiler()))
    lib = _built_lib(b)
    if lib is None:
        with lock(b.path, wait=True):
            lib = _built_lib(b) or _compile(p, b, quiet)
        _prune(keep=b)
    try:
        os.utime(b.stamp_path)  # recently used (only pruning reads it)
    except OSError:
        pass  # a read-only shared cache: use its build as it is
    return lib


def _compile(p: Project, b: CsimBuild, quiet: bool) -> Path:
    """Copy the firmware into the cache entry and run hls4ml's build script there, unchanged: the
    library it makes reads its weights from the entry's copy."""
    t0 = time.perf_counter()
    if not quiet:
        print(f"compiling {p.path.name} with g++ ...", flush=True)
    shutil.rmtree(b.path, ignore_errors=True)  # what an interrupted build left
    for f in p.firmware_sources():
        if f.is_file():
            dest = b.path / f.relative_to(p.path)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
    proc = subprocess.run(["bash", p.build_script_path.name], cwd=b.path, capture_output=True, text=True)
    if proc.returncode != 0:
        shutil.rmtree(b.path, ignore_errors=True)
        err = [line for line in proc.stderr.splitlines() if "error" in line] or proc.stderr.splitlines() or ["?"]
        raise HwcnnError(f"g++ failed on {p.path.name} (exit {proc.returncode}): {err[0].strip()}")
    libs = sorted((b.path / "firmware").glob("*.so"))
    if not libs:
        shutil.rmtree(b.path, ignore_errors=True)
        raise HwcnnError(f"{p.build_script_path.name} succeeded but produced no library in {b.path / 'firmware'}")
    seconds = round(time.perf_counter() - t0, 1)
    replace_json(b.stamp_path, {"lib": str(libs[0].relative_to(b.path)), "seconds": seconds,
                                "first_built_from": str(p.path)})
    if not quiet:
        print(f"compiled in {seconds:.1f} s", flush=True)
    return libs[0]


def _prune(keep: CsimBuild) -> None:
    """Remove all but the KEEP_BUILDS most recently used builds (never `keep`)."""
    builds = [CsimBuild(d.name) for d in build_cache_dir().iterdir() if d.is_dir()]
    builds = [x for x in builds if x.stamp_path.is_file() and x.path != keep.path]
    builds.sort(key=lambda x: x.stamp_path.stat().st_mtime, reverse=True)
    for old in builds[KEEP_BUILDS - 1:]:
        shutil.rmtree(old.path, ignore_errors=True)


class CsimLibrary:
    """One loaded copy of the C simulation: call it image by image, optionally with traces."""

    def __init__(self, lib_path: Path, desc: dict):
        self.lib = ctypes.CDLL(str(lib_path))
        name = desc["project_name"]
        self.fn = getattr(self.lib, f"{name}_double")
        self.fn.restype = None
        self.in_size = int(np.prod(desc["inputs"][0]["shape"]))
        self.out_size = int(np.prod(desc["outputs"][0]["shape"]))
        self.fn.argtypes = [np.ctypeslib.ndpointer(ctypes.c_double, flags="C_CONTIGUOUS")] * 2
        self.layer_sizes = {layer["name"]: int(np.prod(layer["shape"])) for layer in desc["layers"]}

    def run(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros((len(x), self.out_size), dtype=np.float64)
        x = np.ascontiguousarray(x.reshape(len(x), -1), dtype=np.float64)
        for i in range(len(x)):
            row = np.zeros(self.out_size, dtype=np.float64)
            self.fn(x[i], row)
            out[i] = row
        return out

    def trace(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Per-layer outputs (flattened, channels-last) of each image, as hls4ml's trace records them."""

        class TraceData(ctypes.Structure):
            _fields_ = [("name", ctypes.c_char_p), ("data", ctypes.c_void_p)]

        self.lib.allocate_trace_storage.argtypes = [ctypes.c_size_t]
        self.lib.collect_trace_output.argtypes = [ctypes.POINTER(TraceData)]
        slots = (TraceData * (len(self.layer_sizes) + 8))()
        traces: dict[str, list[np.ndarray]] = {}
        x = np.ascontiguousarray(x.reshape(len(x), -1), dtype=np.float64)
        self.lib.allocate_trace_storage(ctypes.sizeof(ctypes.c_double))
        try:
            for i in range(len(x)):
                self.fn(x[i], np.zeros(self.out_size, dtype=np.float64))
                self.lib.collect_trace_output(slots)
                for s in slots:
                    if not s.name:
                        continue
                    lname = s.name.decode()
                    n = self.layer_sizes.get(lname)
                    if n is None:
                        continue
                    arr = np.ctypeslib.as_array(ctypes.cast(s.data, ctypes.POINTER(ctypes.c_double)), shape=(n,))
                    traces.setdefault(lname, []).append(arr.copy())
        finally:
            self.lib.free_trace_storage()
        return {k: np.stack(v) for k, v in traces.items()}


_WORKER: CsimLibrary | None = None


def die_with_parent() -> None:
    """Ask Linux to end this (worker) process when its parent dies, even by kill -9."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: workers end when they find their pipe closed
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _worker_init(lib_path: str, desc: dict) -> None:
    global _WORKER
    die_with_parent()
    # each worker loads its own copy: the HLS code's static line buffers must not be shared
    private = Path(lib_path).with_name(f"{Path(lib_path).stem}.w{os.getpid()}.so")
    shutil.copyfile(lib_path, private)
    _WORKER = CsimLibrary(private, desc)
    private.unlink()


def _worker_run(x: np.ndarray) -> np.ndarray:
    assert _WORKER is not None
    return _WORKER.run(x)


def run_csim(project: BuiltProject | Path, x: np.ndarray, jobs: int | None = None,
             progress: bool = True) -> np.ndarray:
    """C-simulate images x (float NCHW, any batch) -> outputs float64 [N, n_out], exact values."""
    from tqdm import tqdm

    project = BuiltProject.of(project)
    desc = project.desc
    _check_inputs(desc, x)
    lib = build(project)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(x)))
    chunks = np.array_split(x, max(1, min(len(x), jobs * 8)))
    if jobs == 1:
        worker = CsimLibrary(lib, desc)
        parts = [worker.run(c) for c in tqdm(chunks, desc="C simulation", unit="chunk", disable=not progress or None)]
    else:
        with ProcessPoolExecutor(jobs, initializer=_worker_init, initargs=(str(lib), desc)) as pool:
            parts = list(tqdm(pool.map(_worker_run, chunks), total=len(chunks), desc=f"C simulation ({jobs} jobs)",
                              unit="chunk", disable=not progress or None))
    return np.concatenate(parts, axis=0)


def _check_inputs(desc: dict, x: np.ndarray) -> None:
    """The C++ reads exactly its input size from each row: anything else reads past it or stops short."""
    want = int(np.prod(desc["inputs"][0]["shape"]))
    got = int(np.prod(x.shape[1:]))
    if got != want:
        raise HwcnnError(f"C simulation: inputs of {got} values per image ({tuple(x.shape[1:])}) do not match the "
                         f"core's {want} ({tuple(desc['inputs'][0]['shape'])})")


def trace_csim(project: BuiltProject | Path, x: np.ndarray) -> dict[str, np.ndarray]:
    """Per-layer C-simulation outputs for a few images (runs in a fresh process: tracing is global state)."""
    project = BuiltProject.of(project)
    lib = build(project)
    with ProcessPoolExecutor(1) as pool:
        return pool.submit(_trace_in_process, str(lib), project.desc, x).result()


def _trace_in_process(lib: str, desc: dict, x: np.ndarray) -> dict[str, np.ndarray]:
    die_with_parent()
    return CsimLibrary(Path(lib), desc).trace(x)
