"""C simulation of an HLS project: compile hls4ml's C++ with g++ and run it on images.

The project's own build script (written by hls4ml) compiles the firmware and hls4ml's ctypes
bridge into a shared library. hwcnn rebuilds only when a source changed (a hash of the sources
and the project's location, which the library embeds), and spreads a batch over worker
processes, each with its own copy of the library (the HLS code keeps static state).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from hwcnn import hwdesc
from hwcnn.artifacts import Project
from hwcnn.errors import HwcnnError
from hwcnn.outputs import lock, replace_json


def _sources_hash(p: Project) -> str:
    h = hashlib.sha256(str(p.path.resolve()).encode())
    for f in p.firmware_sources():
        if f.is_file():
            h.update(str(f.relative_to(p.path)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _stamp(p: Project) -> dict:
    try:
        info = json.loads(p.build_stamp_path.read_text())
    except (OSError, ValueError):
        return {}  # missing or damaged: rebuild
    return info if isinstance(info, dict) else {}


def build(project: Path, quiet: bool = False) -> Path:
    """Compile the project's C simulation library unless an up-to-date one exists; return its path.
    One process compiles a project at a time (the build script writes its objects in the project)."""
    p = Project(Path(project).resolve())
    if not p.build_script_path.exists():
        raise HwcnnError(f"{p.path} is not an hls4ml project ({p.build_script_path.name} missing)")
    current = _current_lib(p, _sources_hash(p))
    if current is not None:  # no lock needed to read (a read-only project runs too)
        return current
    with lock(p.build_stamp_path, wait=True):  # a second process waits for the first one's build
        return _build(p, quiet)


def _current_lib(p: Project, digest: str) -> Path | None:
    info = _stamp(p)
    if info.get("hash") == digest and isinstance(info.get("lib"), str) and (p.path / info["lib"]).is_file():
        return p.path / info["lib"]
    return None


def _build(p: Project, quiet: bool) -> Path:
    project = p.path
    if not p.build_script_path.exists():
        raise HwcnnError(f"{project} is not an hls4ml project ({p.build_script_path.name} missing)")
    digest = _sources_hash(p)
    info = _stamp(p)
    if info.get("hash") == digest and isinstance(info.get("lib"), str):
        lib = project / info["lib"]
        if lib.is_file():
            return lib
    if shutil.which("g++") is None:
        raise HwcnnError("g++ not found: install a C++ compiler (e.g. `apt-get install g++`) to run the C simulation")
    t0 = time.perf_counter()
    if not quiet:
        print(f"compiling {project.name} with g++ ...", flush=True)
    if shutil.which("bash") is None:
        raise HwcnnError("bash not found on PATH: hls4ml's build script needs it")
    proc = subprocess.run(["bash", p.build_script_path.name], cwd=project, capture_output=True, text=True)
    if proc.returncode != 0:
        err = [line for line in proc.stderr.splitlines() if "error" in line] or proc.stderr.splitlines() or ["?"]
        raise HwcnnError(f"g++ failed on {project.name} (exit {proc.returncode}): {err[0].strip()}")
    libs = sorted(p.firmware_dir.glob("*.so"), key=lambda f: f.stat().st_mtime)
    if not libs:
        raise HwcnnError(f"{p.build_script_path.name} succeeded but produced no library in {p.firmware_dir}")
    lib = libs[-1]
    replace_json(p.build_stamp_path, {"hash": digest, "lib": str(lib.relative_to(project)),
                                      "seconds": round(time.perf_counter() - t0, 1)})
    if not quiet:
        print(f"compiled in {time.perf_counter() - t0:.1f} s", flush=True)
    return lib


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


def run_csim(project: Path, x: np.ndarray, jobs: int | None = None, progress: bool = True) -> np.ndarray:
    """C-simulate images x (float NCHW, any batch) -> outputs float64 [N, n_out], exact values."""
    from tqdm import tqdm

    project = Path(project)
    desc, _ = hwdesc.load(project)
    _check_inputs(desc, x)
    lib = build(project)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(x)))
    chunks = np.array_split(x, max(1, min(len(x), jobs * 8)))
    if jobs == 1:
        worker = CsimLibrary(lib, desc)
        parts = [worker.run(c) for c in tqdm(chunks, desc="C simulation", unit="chunk", disable=not progress)]
    else:
        with ProcessPoolExecutor(jobs, initializer=_worker_init, initargs=(str(lib), desc)) as pool:
            parts = list(tqdm(pool.map(_worker_run, chunks), total=len(chunks), desc=f"C simulation ({jobs} jobs)",
                              unit="chunk", disable=not progress))
    return np.concatenate(parts, axis=0)


def _check_inputs(desc: dict, x: np.ndarray) -> None:
    """The C++ reads exactly its input size from each row: anything else reads past it or stops short."""
    want = int(np.prod(desc["inputs"][0]["shape"]))
    got = int(np.prod(x.shape[1:]))
    if got != want:
        raise HwcnnError(f"C simulation: inputs of {got} values per image ({tuple(x.shape[1:])}) do not match the "
                         f"core's {want} ({tuple(desc['inputs'][0]['shape'])})")


def trace_csim(project: Path, x: np.ndarray) -> dict[str, np.ndarray]:
    """Per-layer C-simulation outputs for a few images (runs in a fresh process: tracing is global state)."""
    project = Path(project)
    desc, _ = hwdesc.load(project)
    lib = build(project)
    with ProcessPoolExecutor(1) as pool:
        return pool.submit(_trace_in_process, str(lib), desc, x).result()


def _trace_in_process(lib: str, desc: dict, x: np.ndarray) -> dict[str, np.ndarray]:
    die_with_parent()
    return CsimLibrary(Path(lib), desc).trace(x)
