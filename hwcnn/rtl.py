"""The Dense/Conv kernels of an HLS project as RTL, checked and counted with open tools.

da4ml turns each kernel's constant-matrix product (integer weights times the input vector, plus
the bias, in the accumulator type) into a shift-add graph and writes it as Verilog. Verilator
compiles that Verilog into an emulator whose outputs on the simulator's own layer inputs (the
windows of real test images) must equal the simulator's layer outputs. Yosys synthesises it for
the project's FPGA family and counts LUTs, carry cells and flip-flops.

This is the kernel as a distributed-arithmetic circuit (what hls4ml's `distributed_arithmetic`
strategy builds), not the netlist Vivado HLS makes of hls4ml's Latency C++; the cost model says
which figure is which (docs/cost-model.md).
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding
from hwcnn.layers import Kind, layer_rf_strategy

if TYPE_CHECKING:
    from hwcnn.project import BuiltProject

# hard_dc 2: adder depth at most 2 above the minimum, as hls4ml 1.3.0's DA pass asks da4ml for;
# one decomposition (search_all_decompose_dc False) instead of trying every one, which is several
# times faster on large kernels for a cost within a percent
SOLVER_OPTIONS = {"hard_dc": 2, "search_all_decompose_dc": False}
YOSYS_BUDGET_S = 300  # default time budget of one kernel's synthesis


@dataclass(frozen=True)
class Kernel:
    """One Dense/Conv layer's constant-matrix product, as raw integers and their types."""

    layer: str
    kind: Kind
    matrix: np.ndarray  # [n_in, n_out] raw weights; a convolution's rows in hls4ml's window order
    weight_frac: int
    bias: np.ndarray | None  # [n_out] raw
    bias_frac: int
    in_type: FixedType
    accum: FixedType
    result: FixedType
    attrs: dict
    source_layer: str  # the layer whose output the kernel reads (the simulator traces it)

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def digest(self) -> str:
        """Everything the circuit depends on, hashed: the key of the da4ml cache."""
        h = hashlib.sha256()
        h.update(np.ascontiguousarray(self.matrix, dtype=np.int64).tobytes())
        if self.bias is not None:
            h.update(np.ascontiguousarray(self.bias, dtype=np.int64).tobytes())
        h.update(json.dumps([self.matrix.shape, self.weight_frac, self.bias_frac, self.in_type.ap(),
                             self.accum.ap(), self.result.ap(), SOLVER_OPTIONS,
                             importlib.metadata.version("da4ml")]).encode())
        return h.hexdigest()[:24]


def kernels(desc: dict, weights: dict[str, np.ndarray]) -> list[Kernel]:
    """Every layer that multiplies weights by activations, with the type of its input."""
    result_of, producer = {}, {}
    out = []
    for layer in desc["layers"]:
        types = {k: FixedType.parse(v) for k, v in layer["types"].items()}
        for name in layer.get("outputs", [layer.get("output")]):
            result_of[name], producer[name] = types["result"], layer["name"]
        kind = Kind.of(layer["kind"], f"layer {layer['name']}")
        if not kind.has_macs:
            continue
        w_desc = layer["weights"]["weight"]
        w = weights[w_desc["key"]]
        matrix = w.reshape(-1, w.shape[-1])  # conv [fh, fw, C, F] -> [fh*fw*C, F]; dense [n_in, n_out]
        b_desc = layer["weights"].get("bias")
        bias = weights[b_desc["key"]].reshape(-1) if b_desc else None
        out.append(Kernel(
            layer=layer["name"], kind=kind, matrix=matrix, weight_frac=FixedType.parse(w_desc["type"]).frac,
            bias=bias, bias_frac=FixedType.parse(b_desc["type"]).frac if b_desc else 0,
            in_type=result_of[layer["inputs"][0]], accum=types["accum"], result=types["result"],
            attrs=layer["attrs"], source_layer=producer[layer["inputs"][0]]))
    return out


def why_not_buildable(k: Kernel) -> str | None:
    """What keeps the kernel from being one exact shift-add graph, or None.

    hls4ml assigns every product and the bias to the accumulator type, then adds; when that type
    holds every product and the bias exactly and wraps, the sum wrapped once equals it. A result
    type that rounds half to even (RND_CONV) has no da4ml counterpart."""
    if k.accum.frac < k.in_type.frac + k.weight_frac or (k.bias is not None and k.accum.frac < k.bias_frac):
        return f"its accumulator {k.accum.ap()} drops fraction bits of the products or the bias"
    if k.accum.rounding is not Rounding.TRN or k.accum.overflow is not Overflow.WRAP:
        return f"its accumulator {k.accum.ap()} rounds or saturates"
    if k.result != k.accum and (k.result.rounding not in (Rounding.TRN, Rounding.RND)
                                or k.result.overflow not in (Overflow.WRAP, Overflow.SAT)):
        return f"its result type {k.result.ap()} has modes da4ml does not build (it has TRN/RND, WRAP/SAT)"
    return None


def _kif(t: FixedType) -> tuple[int, int, int]:
    """da4ml's (sign, integer bits without the sign, fraction bits)."""
    return int(t.signed), t.integer - int(t.signed), t.frac


def _trace(k: Kernel):
    from da4ml.trace import FixedVariableArray, HWConfig, comb_trace
    from da4ml.trace.ops import quantize

    n_in, _ = k.shape
    s, i, f = _kif(k.in_type)
    x = FixedVariableArray.from_kif(np.full(n_in, s), np.full(n_in, i), np.full(n_in, f), HWConfig(1, -1, -1),
                                    solver_options=dict(SOLVER_OPTIONS))
    y = x @ (k.matrix.astype(np.float64) * 2.0 ** -k.weight_frac)
    if k.bias is not None:
        y = y + k.bias.astype(np.float64) * 2.0 ** -k.bias_frac
    y = quantize(y, *_kif(k.accum), "WRAP", "TRN")
    if k.result != k.accum:
        y = quantize(y, *_kif(k.result), k.result.overflow.value, k.result.rounding.value)
    return comb_trace(x, y)


def adder_graph(k: Kernel, cache: Path | None):
    """The kernel's da4ml CombLogic, from the cache when it was built before (it is a pure function
    of the kernel), else solved and stored there (a read-only cache is skipped)."""
    from da4ml.types import CombLogic

    reason = why_not_buildable(k)
    if reason:
        raise HwcnnError(f"kernel {k.layer}: {reason}, so it has no exact adder graph")
    path = cache / "da4ml" / f"{k.digest()}.json" if cache is not None else None
    if path is not None and path.is_file():
        try:
            return CombLogic.load(path)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged entry is rebuilt below
    comb = _trace(k)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            comb.save(tmp)
            os.replace(tmp, path)
        except OSError:
            pass
    return comb


# ---- Verilator -------------------------------------------------------------------------------

def has_da4ml() -> bool:
    try:
        importlib.metadata.version("da4ml")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def missing_tools(yosys: bool = True) -> list[str]:
    need = ["verilator"] + (["yosys"] if yosys else [])
    return [t for t in need if shutil.which(t) is None] + ([] if has_da4ml() else ["da4ml (pip)"])


def require_tools(yosys: bool = True) -> None:
    missing = missing_tools(yosys)
    if missing:
        raise HwcnnError(f"hwcnn rtl needs {', '.join(missing)}: run `bash scripts/setup.sh` (as root it installs "
                         "Debian's verilator and yosys; pip installs da4ml)")


def _run(cmd: list[str], cwd: Path, timeout: float | None, what: str) -> None:
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise HwcnnError(f"{what} took longer than {timeout:.0f} s") from None
    if r.returncode != 0:
        tail = (r.stderr or r.stdout).strip().splitlines()[-3:]
        raise HwcnnError(f"{what} failed (exit {r.returncode}): {' | '.join(tail)}")


class Emulator:
    """A kernel's Verilog compiled by Verilator into a shared library, fed raw integers.

    da4ml writes the Verilog and a C++ binder; hwcnn builds them itself because da4ml's makefile
    finds Verilator's headers by parsing `verilator -V` and links libraries that Debian's
    Verilator 5.006 `--build` does not make: here the generated model is linked with Verilator's
    runtime sources directly."""

    def __init__(self, comb, name: str, out_dir: Path, jobs: int = 1, timeout: float | None = None,
                 cache: Path | None = None):
        from da4ml.codegen import VerilogModel
        from da4ml.codegen.rtl.rtl_model import get_io_kifs

        kif_in, kif_out = get_io_kifs(comb)
        self._f_in = int(np.max(kif_in[2]))
        self._k_out, self._i_out, self._f_out = (int(np.max(v)) for v in kif_out)
        if sum(int(np.max(v)) for v in kif_in) > 32 or self._k_out + self._i_out + self._f_out > 32:
            raise HwcnnError(f"kernel {name}: inputs or outputs wider than 32 bits; the emulator passes int32")
        self.comb, self.name, self.dir = comb, name, Path(out_dir)
        VerilogModel(comb, name, self.dir).write()
        _older_lint_codes(self.dir / "src")
        sim = self.dir / "sim"
        root = subprocess.run(["verilator", "--getenv", "VERILATOR_ROOT"], capture_output=True, text=True,
                              check=True).stdout.strip()
        top = f"{name}_wrapper"
        _run(["verilator", "--cc", "--build", "-j", str(jobs), "-Wall", f"{top}.v", "--prefix", f"V{top}",
              "-CFLAGS", "-std=c++17 -fPIC -O", "-I../src", "-I../src/static"], sim, timeout,
             f"Verilator on kernel {name}")
        lib = sim / f"lib{top}.so"
        _run(["g++", "-std=c++17", "-fPIC", "-O", "-shared", "-pthread", "-I./obj_dir", f"-I{root}/include",
              f"-I{root}/include/vltstd", "-o", lib.name, f"{top}_binder.cc", f"obj_dir/V{top}__ALL.a",
              *map(str, _verilator_runtime(root, cache, sim, timeout))], sim, timeout,
             f"linking kernel {name}'s emulator")
        self._lib = ctypes.CDLL(str(lib))

    def run(self, x_raw: np.ndarray, in_frac: int) -> np.ndarray:
        """Outputs (float64, exact) for raw inputs of `in_frac` fraction bits, one row per vector."""
        n_in, n_out = self.comb.shape
        x = np.ascontiguousarray(np.asarray(x_raw, dtype=np.int64).reshape(-1, n_in) << (self._f_in - in_frac),
                                 dtype=np.int32)
        out = np.empty((len(x), n_out), dtype=np.int32)
        ptr = ctypes.POINTER(ctypes.c_int32)
        self._lib.inference(x.ctypes.data_as(ptr), out.ctypes.data_as(ptr), ctypes.c_size_t(len(x)),
                            ctypes.c_size_t(1))
        k, i, f = self._k_out, self._i_out, self._f_out
        span, offset = 2 ** (k + i + f), k * 2 ** (i + f)
        raw = (out.astype(np.int64) + offset) % span - offset  # the binder's int32 holds the low bits
        return raw.astype(np.float64) * 2.0 ** -f


def _verilator_runtime(root: str, cache: Path | None, workdir: Path, timeout: float | None) -> list[Path]:
    """Verilator's runtime (verilated.cpp, verilated_threads.cpp) as objects: compiled once per
    Verilator installation into the cache and shared by every kernel, else into `workdir`."""
    version = subprocess.run(["verilator", "--version"], capture_output=True, text=True, check=True).stdout
    where = workdir
    if cache is not None:
        where = Path(cache) / "verilator" / hashlib.sha256((version + root).encode()).hexdigest()[:16]
        try:
            where.mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only cache
            where = workdir
    objs = []
    for name in ("verilated", "verilated_threads"):
        obj = where / f"{name}.o"
        if not obj.is_file():
            tmp = obj.with_name(f".{obj.name}.{os.getpid()}")
            _run(["g++", "-std=c++17", "-fPIC", "-O", "-c", f"-I{root}/include", f"-I{root}/include/vltstd",
                  "-o", str(tmp), f"{root}/include/{name}.cpp"], workdir, timeout, f"compiling Verilator's {name}.cpp")
            os.replace(tmp, obj)  # atomic: another process may be compiling the same object
        objs.append(obj)
    return objs


def _older_lint_codes(src: Path) -> None:
    """da4ml's Verilog names the lint codes WIDTHTRUNC/WIDTHEXPAND, which Verilator split from WIDTH
    in 5.008; Debian's 5.006 rejects them as unknown. WIDTH covers both in every version."""
    for path in src.rglob("*.v"):
        text = path.read_text()
        new = re.sub(r"\bWIDTH(TRUNC|EXPAND)\b", "WIDTH", text)
        if new != text:
            path.write_text(new)


# ---- the kernel's inputs and outputs in the simulator --------------------------------------------

def kernel_vectors(k: Kernel, x_trace, y_trace) -> tuple[np.ndarray, np.ndarray]:
    """(raw input vectors [M, n_in], expected outputs [M, n_out] float64) from the simulator's traces
    of the kernel's input and of the layer: a convolution's windows in hls4ml's order."""
    from hwcnn.sim import ops

    if k.kind.is_conv:
        a = k.attrs
        xp = ops.pad_hw(x_trace.raw, a["pad_top"], a["pad_bottom"], a["pad_left"], a["pad_right"])
        cols = ops.im2col(xp, a["filt_height"], a["filt_width"], a["stride_height"], a["stride_width"], np.int64)
    else:
        cols = x_trace.raw.reshape(len(x_trace.raw), -1)
    return cols, y_trace.to_float().reshape(len(cols), -1)


# ---- Yosys -----------------------------------------------------------------------------------

def yosys_family(part: str) -> str:
    """synth_xilinx's family for a Xilinx part: 7-series (xc7...) or UltraScale+ (xczu, xcu, xcvu..p)."""
    return "xc7" if part.lower().startswith("xc7") else "xcup"


_LUT = re.compile(r"^\s+LUT[1-6]\s+(\d+)$", re.M)
_CARRY = re.compile(r"^\s+CARRY[48]\s+(\d+)$", re.M)
_FF = re.compile(r"^\s+FD[A-Z]{2}\s+(\d+)$", re.M)


def parse_yosys_stat(text: str) -> dict:
    """LUT, carry-cell and flip-flop counts from Yosys's `stat` of a flattened Xilinx netlist."""
    return {"lut": sum(map(int, _LUT.findall(text))), "carry": sum(map(int, _CARRY.findall(text))),
            "ff": sum(map(int, _FF.findall(text)))}


def yosys_count(rtl_dir: Path, top: str, family: str, budget_s: float) -> dict:
    """Synthesise one da4ml kernel with `synth_xilinx` and count its cells; within `budget_s`
    seconds, else {"status": "timeout"}."""
    src = Path(rtl_dir) / "src"
    files = [src / f"{top}.v"] + sorted(p for p in (src / "static").glob("*.v") if p.name != "lookup_table.v")
    stat = Path(rtl_dir) / "yosys_stat.txt"
    script = (f"read_verilog -sv {' '.join(str(f) for f in files)}; synth_xilinx -top {top} -flatten "
              f"-family {family}; tee -q -o {stat} stat")
    t0 = time.perf_counter()
    try:
        r = subprocess.run(["yosys", "-q", "-p", script], capture_output=True, text=True, timeout=budget_s)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "budget_s": budget_s}
    if r.returncode != 0 or not stat.is_file():
        tail = (r.stderr or r.stdout).strip().splitlines()[-2:]
        return {"status": "failed", "error": " | ".join(tail)}
    return {"status": "ok", **parse_yosys_stat(stat.read_text()), "family": family,
            "seconds": round(time.perf_counter() - t0, 1)}


# ---- a whole project ---------------------------------------------------------------------------

def check_kernels(desc: dict, weights: dict[str, np.ndarray], x: np.ndarray, out_dir: Path, part: str,
                  layers: list[str] | None = None, yosys_budget_s: float | None = YOSYS_BUDGET_S,
                  cache: Path | None = None, jobs: int = 1, progress=None) -> list[dict]:
    """For each kernel (or those named in `layers`): its da4ml adder graph, its Verilog emulated by
    Verilator on the windows of images `x` and compared with the simulator (exact equality), and,
    unless `yosys_budget_s` is None, Yosys's counts. RTL lands in out_dir/<layer>/."""
    from hwcnn.sim.graph import Simulator

    found = kernels(desc, weights)
    names = [k.layer for k in found]
    for name in layers or []:
        if name not in names:
            raise HwcnnError(f"layer {name} is not a Dense/Conv kernel of this project (kernels: {', '.join(names)})")
    chosen = [k for k in found if not layers or k.layer in layers]
    for k in chosen:  # every refusal before any work
        reason = why_not_buildable(k)
        if reason:
            raise HwcnnError(f"kernel {k.layer}: {reason}; hwcnn rtl builds exact kernels only")
    traces = Simulator(desc, weights).run(x, trace=True).traces
    rows = []
    for k in chosen:
        t0 = time.perf_counter()
        comb = adder_graph(k, cache)
        solved = time.perf_counter()
        emu = Emulator(comb, _module_name(k.layer), Path(out_dir) / k.layer, jobs=jobs, cache=cache)
        built = time.perf_counter()
        vectors, expected = kernel_vectors(k, traces[k.source_layer], traces[k.layer])
        got = emu.run(vectors, k.in_type.frac)
        mismatches = int(np.count_nonzero(np.any(got != expected, axis=1)))
        row = {"layer": k.layer, "kind": k.kind.value, "shape": list(k.shape), "vectors": len(vectors),
               "mismatched_vectors": mismatches, "bit_exact": mismatches == 0,
               "da4ml": {"lut": float(comb.cost), "adder_depth": float(comb.latency[1])},
               "seconds": {"da4ml": round(solved - t0, 1), "verilator": round(built - solved, 1)}}
        if yosys_budget_s is not None:
            row["yosys"] = yosys_count(Path(out_dir) / k.layer, _module_name(k.layer), yosys_family(part),
                                       yosys_budget_s)
        rows.append(row)
        if progress is not None:
            progress(row)
    return rows


def show_kernel(row: dict) -> None:
    """One line per kernel of `check_kernels`, printed as each is done."""
    y = row.get("yosys", {})
    versus = f" ({y['lut'] / row['da4ml']['lut'] - 1:+.1%} vs da4ml)" if y.get("status") == "ok" and \
        row["da4ml"]["lut"] else ""
    counted = (f"Yosys {y['lut']:,} LUT{versus}, {y['carry']:,} carry, {y['ff']:,} FF" if y.get("status") == "ok"
               else f"Yosys: {y.get('status', 'skipped')}")
    print(f"  {row['layer']:<18} {row['shape'][0]}x{row['shape'][1]}: "
          f"{'identical' if row['bit_exact'] else 'DIFFERS'} on {row['vectors']:,} vectors "
          f"({row['mismatched_vectors']} differ); da4ml {row['da4ml']['lut']:,.0f} LUT; {counted}", flush=True)


def check_project(project: BuiltProject, x: np.ndarray, out: Path, *, what: str, inputs: dict | None,
                  force: bool = False, layers: list[str] | None = None, yosys_budget_s: float | None = YOSYS_BUDGET_S,
                  cache: Path | None = None, jobs: int | None = None) -> dict:
    """`hwcnn rtl PROJECT`: `check_kernels` on images `x` (`what` they are, `inputs` their provenance),
    each kernel shown as it is done; its RTL and RESULTS_NAME written into `out` once complete."""
    from hwcnn.outputs import output_dir

    part = project.manifest["hls"]["part"]
    print(f"RTL of {project.path}'s kernels on {len(x)} {what} (part {part}, Yosys family {yosys_family(part)})")
    t0 = time.perf_counter()
    with output_dir(out, force) as tmp:
        rows = check_kernels(project.desc, project.weights, x, tmp, part, layers=layers, yosys_budget_s=yosys_budget_s,
                             cache=cache, jobs=jobs or os.cpu_count() or 1, progress=show_kernel)
        result = {"project": str(project.path), "n_images": len(x), "inputs": inputs, "part": part,
                  "description_sha256": description_digest(project.path), "kernels": rows,
                  "bit_exact": all(r["bit_exact"] for r in rows), "seconds": round(time.perf_counter() - t0, 1)}
        (tmp / RESULTS_NAME).write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out} ({result['seconds']} s): every kernel "
          f"{'identical in Verilator and the simulator' if result['bit_exact'] else 'checked; some DIFFER'}")
    return result


def _module_name(layer: str) -> str:
    """A Verilog module name for a layer (letters, digits, underscores; not starting with a digit)."""
    name = re.sub(r"\W", "_", layer)
    return name if name[:1].isalpha() else f"k_{name}"


def da4ml_luts(desc: dict, weights: dict[str, np.ndarray], hls: dict, cache: Path | None,
               progress: bool = False) -> dict[str, float]:
    """da4ml's LUT estimate of every kernel hls4ml unrolls (Latency, reuse factor 1) that has an exact
    adder graph; {} without da4ml. The graphs are cached (see `adder_graph`)."""
    if not has_da4ml():
        return {}
    from tqdm import tqdm

    unrolled = {layer["name"] for layer in desc["layers"] if _unrolled(layer, hls)}
    todo = [k for k in kernels(desc, weights) if k.layer in unrolled and why_not_buildable(k) is None]
    return {k.layer: float(adder_graph(k, cache).cost)
            for k in tqdm(todo, desc="da4ml adder graphs", unit="kernel", leave=False,
                          disable=not (progress and sys.stderr.isatty()))}


def _unrolled(layer: dict, hls: dict) -> bool:
    return Kind.of(layer["kind"]).has_macs and layer_rf_strategy(layer, hls) == (1, "Latency")


# ---- results kept beside the project -----------------------------------------------------------

RESULTS_NAME = "rtl.json"


def description_digest(project: Path) -> str:
    """The hardware description's hash: results of `hwcnn rtl` are current while it is unchanged."""
    from hwcnn.artifacts import Project

    p = Project(project)
    h = hashlib.sha256(p.description_path.read_bytes())
    h.update(p.description_weights_path.read_bytes())
    return h.hexdigest()


def read_results(project: Path, desc: dict, weights: dict) -> dict[str, dict]:
    """Yosys's counts per kernel from PROJECT/rtl/rtl.json when it describes this project as it is now
    ({layer: {"lut": {"value", "source": "yosys"}, ...}}); {} otherwise."""
    path = Path(project) / "rtl" / RESULTS_NAME
    try:
        res = json.loads(path.read_text())
        if res.get("description_sha256") != description_digest(project):
            return {}
    except (OSError, ValueError, AttributeError):
        return {}
    out = {}
    for row in res.get("kernels", []):
        y = row.get("yosys") or {}
        if y.get("status") == "ok":
            # LUTs only: the kernel is combinational here, so its flip-flops are not the pipelined design's
            out[row["layer"]] = {"lut": {"value": y["lut"], "source": "yosys"}}
    return out
