"""Verification: simulator vs C simulation vs Brevitas QAT model vs float twin, exactly.

Three comparisons (../shared/DESIGN.md): simulator == C simulation always; QAT == C simulation
where the types are lossless (hwcnn's default); float vs QAT is the accuracy cost of
quantization. Equality is exact (float64 values of the same fixed-point numbers). When the
simulator and the C simulation disagree, per-layer traces of both locate the first layer where
they part. This module compares outputs of a built project; it never converts (the pipeline's
convert step does, hwcnn/pipeline.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwcnn.project import BuiltProject

TRACE_IMAGES = 8  # images traced layer by layer to locate a divergence


@dataclass
class Outputs:
    """Outputs of each implementation on the same images (float64; exact fixed-point values): the
    model's (after the host's tail, where it has one) and the core's, which the simulator and the C
    simulation are compared on (a tail such as ArgMax could hide a difference)."""

    float: np.ndarray | None
    qat: np.ndarray | None
    csim: np.ndarray
    sim: np.ndarray
    csim_core: np.ndarray
    sim_core: np.ndarray


def torch_logits(model, x: np.ndarray, dtype, batch: int = 1000) -> np.ndarray:
    """Logits of a PyTorch model; QAT models run in float64 so their sums are exact (on a copy: the
    caller's model keeps its dtype)."""
    import copy

    import torch

    model = copy.deepcopy(model).to(dtype).eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            outs.append(model(torch.from_numpy(x[i : i + batch]).to(dtype)).double().numpy())
    return np.concatenate(outs).reshape(len(x), -1)


def first_divergent_layer(project: BuiltProject, x: np.ndarray) -> tuple[str | None, list[dict]]:
    """Trace both implementations of the core on model inputs x; the first layer (in order) whose
    outputs differ, and per-layer diffs."""
    from hwcnn.hlsgen.csim import trace_csim

    sim = project.simulator
    x = project.to_core(x)
    c_tr = trace_csim(project, x)
    s_tr = sim.run(x, trace=True).traces
    first, rows = None, []
    for name in sim.layer_names:
        if name not in c_tr or name not in s_tr:
            continue
        s = s_tr[name].to_float().reshape(len(x), -1)
        c = c_tr[name].reshape(len(x), -1)
        diff = float(np.abs(s - c).max())
        rows.append({"layer": name, "max_abs_diff": diff, "equal": bool(diff == 0.0)})
        if diff != 0.0 and first is None:
            first = name
    return first, rows


def check_against_qonnx(project: BuiltProject, qmodel, x: np.ndarray, y_qonnx: np.ndarray, narrowed: bool) -> dict:
    """The conversion checks itself: the project's simulator on the testbench inputs x must give
    exactly the QONNX graph's outputs y_qonnx, and, where the host computes a tail, the core's
    outputs must be exactly QONNX's tensor where the core ends (the testbench's outputs). A
    difference is an error naming the first layer where they part, unless the user narrowed types
    (`narrowed`): then it is the loss recorded."""
    from hwcnn.errors import HwcnnError
    from hwcnn.layers import Kind

    sim = project.simulator
    core = sim.run(project.to_core(x)).output.to_float()
    got = project.from_core(core)
    want = np.asarray(y_qonnx, dtype=np.float64).reshape(got.shape)
    same = np.all(got == want, axis=1)  # per input: kept, to locate the first mismatch
    if not project.host.empty:
        same &= np.all(core == testbench(project)[1].reshape(core.shape), axis=1)
    # hls4ml's tanh is a lookup table that approximates it (hwcnn/tables.py): known, reported, not exact
    approximated = [layer["name"] for layer, kind in zip(sim.layers, sim.kinds)
                    if kind is Kind.ACTIVATION and layer["attrs"].get("activation", "").lower() == "tanh"]
    record = {"what": "simulator of this project == QONNX execution, on the testbench inputs",
              "n_inputs": len(x), "identical": float(same.mean()), "max_abs_diff": float(np.abs(got - want).max()),
              "first_divergent_layer": None, "approximated_by_tables": approximated}
    if same.all():
        return record
    record["first_divergent_layer"] = first_divergence_from_qonnx(qmodel, project, x[np.flatnonzero(~same)[:1]])
    if narrowed or record["first_divergent_layer"] in approximated:
        return record
    raise HwcnnError(f"conversion check failed: the generated core differs from the QONNX model on "
                     f"{int((~same).sum())} of {len(x)} testbench inputs (max |diff| {record['max_abs_diff']:g}), "
                     f"first at layer {record['first_divergent_layer']}; hwcnn does not write hardware that "
                     "computes another function (please report this model)")


def first_divergence_from_qonnx(qmodel, project: BuiltProject, x: np.ndarray) -> str | None:
    """The first layer (in the core's order) whose output differs from its QONNX tensor, on one
    model input; the layers hls4ml fused away have no QONNX tensor and are passed over."""
    from qonnx.core.onnx_exec import execute_onnx

    sim = project.simulator
    context = execute_onnx(qmodel, {qmodel.graph.input[0].name: x.astype(np.float32)}, return_full_exec_context=True)
    traces = sim.run(project.to_core(x), trace=True).traces
    for layer in sim.layers:
        # the tensor the conversion recorded (hlsgen/tensors.py); a layer QONNX has no value of is passed over
        tensor = context.get((layer.get("qonnx") or {}).get("output") or "")
        mine = traces.get(layer["name"])
        if tensor is None or mine is None or np.size(tensor) != mine.raw.size:
            continue
        if not np.array_equal(np.asarray(tensor, dtype=np.float64).ravel(), mine.to_float().ravel()):
            return layer["name"]
    return sim.layers[-1]["name"]


# the references a C simulation is compared with, beside the simulator: equal wherever the conversion
# found the core exact (lossless types, no table that approximates a function)
REFERENCES = ("qonnx_vs_csim", "qat_vs_csim", "testbench_vs_csim")
# for float-scale models the exact reference stands in for plain float32 execution, whose every
# difference must be explained (`float32_differences`)
EXACT_REFERENCES = ("qonnx_exact_vs_csim", "qonnx_vs_csim_explained")


@dataclass(frozen=True)
class Verdict:
    """Whether a C simulation passes, and which comparisons failed it."""

    ok: bool
    failed: tuple[str, ...]

    @property
    def word(self) -> str:
        return "PASS" if self.ok else "FAIL"


def exact_by_construction(check: dict | None) -> bool:
    """Whether the conversion's own check (`BuiltProject.check`) found the core equal to the QONNX
    model; not where it recorded a loss (a narrowed --precision, a table that approximates)."""
    return check is None or check.get("identical") == 1.0


def verdict(bit_exact: dict, check: dict | None = None) -> Verdict:
    """The one rule every caller applies (CLI, report, study): the simulator equals the C simulation
    on every input, always; each reference present (QONNX, the QAT model, the testbench's QONNX
    outputs) equals it too unless the conversion's check recorded a loss (narrowed --precision, tables)."""
    references = REFERENCES
    if "qonnx_exact_vs_csim" in bit_exact:
        references = tuple(k for k in REFERENCES if k != "qonnx_vs_csim") + EXACT_REFERENCES
    required = ["sim_vs_csim"] + ([k for k in references if k in bit_exact] if exact_by_construction(check) else [])
    failed = tuple(k for k in required if bit_exact.get(k) != 1.0)
    return Verdict(not failed, failed)


def identical(a: np.ndarray, b: np.ndarray) -> float:
    """The fraction of inputs (rows) whose outputs are identical, value for value."""
    return float(np.mean(np.all(a == np.reshape(b, np.shape(a)), axis=1)))


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - np.reshape(b, np.shape(a))).max())


def compare(outs: Outputs, labels: np.ndarray) -> dict:
    return {
        "accuracy": {k: float(np.mean(getattr(outs, k).argmax(1) == labels)) for k in ("float", "qat", "csim", "sim")},
        "bit_exact": {"sim_vs_csim": identical(outs.sim_core, outs.csim_core),
                      "qat_vs_csim": identical(outs.qat, outs.csim)},
        "max_abs_diff": {"sim_vs_csim": max_abs_diff(outs.sim_core, outs.csim_core),
                         "qat_vs_csim": max_abs_diff(outs.qat, outs.csim),
                         "float_vs_qat": max_abs_diff(outs.float, outs.qat)},
    }


def compare_qonnx(qonnx: np.ndarray, outs: Outputs, labels: np.ndarray | None) -> dict:
    """The comparisons for a QONNX model: the fraction of inputs whose outputs are identical (the
    simulator and the C simulation compared on the core's outputs, QONNX on the model's)."""
    sim, csim = outs.sim, outs.csim
    out = {"bit_exact": {"sim_vs_csim": identical(outs.sim_core, outs.csim_core), "qonnx_vs_csim": identical(qonnx, csim),
                         "qonnx_vs_sim": identical(qonnx, sim)},
           "max_abs_diff": {"sim_vs_csim": max_abs_diff(outs.sim_core, outs.csim_core),
                            "qonnx_vs_csim": max_abs_diff(qonnx, csim), "qonnx_vs_sim": max_abs_diff(qonnx, sim)}}
    if labels is not None:
        out["accuracy"] = {k: float(np.mean(v.argmax(1) == labels)) for k, v in
                           (("qonnx", qonnx), ("csim", csim), ("sim", sim))}
    return out


def float32_differences(plain, exact, x: np.ndarray, y_plain: np.ndarray, y_exact: np.ndarray) -> dict:
    """Where plain float32 execution of a float-scale model and the exact reference part, for each
    input whose outputs differ: the first tensor (in the graph's order) whose values differ. It is
    explained when that is a sum of products (MatMul, Conv): float32 rounds after every addition
    there, the reference once; anywhere else it is a defect of the reference."""
    from qonnx.core.onnx_exec import execute_onnx

    from hwcnn.qonnx_exec import batched
    from hwcnn.qonnx_transforms import code_tensors

    differ = np.flatnonzero(~np.all(y_plain == np.reshape(y_exact, np.shape(y_plain)), axis=1))
    codes = code_tensors(plain, exact)  # they hold codes in the reference, values in the plain graph
    first: dict[int, object] = {}
    for at in range(0, len(differ), 256):
        idx = differ[at : at + 256]
        xs = x[idx].astype(np.float32)
        cp = execute_onnx(batched(plain, len(idx)), {plain.graph.input[0].name: xs}, return_full_exec_context=True)
        ce = execute_onnx(batched(exact, len(idx)), {exact.graph.input[0].name: xs}, return_full_exec_context=True)
        for node in plain.graph.node:
            t = node.output[0]
            if t not in ce or t in codes or np.size(cp[t]) != np.size(ce[t]) or np.size(cp[t]) % len(idx):
                continue
            parts = ~np.all(np.reshape(cp[t], (len(idx), -1)) == np.reshape(ce[t], (len(idx), -1)), axis=1)
            for i in idx[parts]:
                first.setdefault(int(i), node)
    rows = [{"input": int(i), "first_node": getattr(first.get(int(i)), "name", None),
             "op": getattr(first.get(int(i)), "op_type", None),
             "explained": getattr(first.get(int(i)), "op_type", None) in ("MatMul", "Conv")} for i in differ]
    return {"inputs_differing": int(len(differ)), "explained": sum(r["explained"] for r in rows),
            "why": "plain float32 execution rounds each sum of products after every addition (in onnxruntime's "
                   "order); the exact reference rounds the exact sum once", "inputs": rows}


def traced_images(sim: np.ndarray, csim: np.ndarray) -> tuple[np.ndarray, bool]:
    """Images to trace: mismatching ones if any (to locate the divergence), else the first few (for the report)."""
    mismatched = np.flatnonzero(~np.all(sim == csim, axis=1))
    if len(mismatched):
        return mismatched[:TRACE_IMAGES], True
    return np.arange(min(TRACE_IMAGES, len(sim))), False


def print_summary(r: dict) -> None:
    """The verify step's result as a user reads it (a QONNX source has no labels or QAT model)."""
    b = r["bit_exact"]
    if "qonnx_vs_csim" in b:
        exact = (f"  exact qonnx==csim {b['qonnx_exact_vs_csim']:.4f} (plain float32 differences explained: "
                 f"{r['float32_differences']['explained']} of {r['float32_differences']['inputs_differing']})"
                 if "qonnx_exact_vs_csim" in b else "")
        print(f"{r['model']} on {r['n_images']} inputs: sim==csim {b['sim_vs_csim']:.4f}  qonnx==csim "
              f"{b['qonnx_vs_csim']:.4f}  qonnx==sim {b['qonnx_vs_sim']:.4f}{exact}; first divergent layer: "
              f"{r['first_divergent_layer']}\n  report     {r['report']}")
        return
    a, d = r["accuracy"], r["max_abs_diff"]
    print(f"{r['model']} on {r['n_images']} {r['dataset']} test images:")
    print(f"  accuracy   float {a['float']:.4f}  qat {a['qat']:.4f}  csim {a['csim']:.4f}  sim {a['sim']:.4f}")
    print(f"  bit-exact  sim==csim {b['sim_vs_csim']:.4f}  qat==csim {b['qat_vs_csim']:.4f}  "
          f"(max |diff| {d['sim_vs_csim']:g} / {d['qat_vs_csim']:g}; float vs qat {d['float_vs_qat']:.3g})")
    print(f"  overflow   {r['overflow'] or 'none'}; first divergent layer: {r['first_divergent_layer']}"
          + (f"; hardware parts from QAT at {r['first_divergent_layer_qat']}" if r.get("first_divergent_layer_qat")
             else ""))
    print(f"  report     {r['report']}")


def testbench(project: BuiltProject) -> tuple[np.ndarray, np.ndarray]:
    """The project's testbench inputs and their QONNX outputs, checked to fit the core."""
    from hwcnn.errors import HwcnnError
    from hwcnn.outputs import read_array

    p = project.files
    tb_x = read_array(p.tb_input_path, "testbench inputs")
    tb_y = read_array(p.tb_output_path, "testbench outputs")
    n_in = int(np.prod(project.input_shape))
    if tb_x.ndim != 2 or tb_x.shape[1] != n_in or tb_y.ndim != 2 or len(tb_y) != len(tb_x):
        raise HwcnnError(f"{p.path}: testbench arrays {tb_x.shape} and {tb_y.shape} do not fit the core's input of "
                         f"{n_in} values; convert the model again")
    return tb_x.reshape(-1, *project.input_shape), tb_y


def csim_checks(project: BuiltProject, x: np.ndarray, y_core: np.ndarray, tb: tuple[np.ndarray, np.ndarray],
                jobs: int | None) -> dict:
    """What a C simulation of the core (outputs y_core) on model inputs x is checked against on the
    spot: the simulator on the same inputs, and the QONNX outputs the project's testbench `tb` holds
    for its own inputs."""
    from hwcnn.hlsgen.csim import run_csim

    tb_x, tb_y = tb
    tb_csim = run_csim(project, tb_x, jobs=jobs, progress=False)
    bit_exact = {"sim_vs_csim": identical(project.simulator.run(project.to_core(x)).output.to_float(), y_core),
                 "testbench_vs_csim": identical(tb_csim, tb_y)}
    return {"bit_exact": bit_exact, "testbench_inputs": len(tb_x),
            "exact_by_construction": exact_by_construction(project.check)}


def what(st) -> str:
    """What a run's images are, in a sentence."""
    return f"{st.dataset} test images" if st.labels is not None else "inputs"


def csim_report(st, tb: tuple[np.ndarray, np.ndarray], jobs: int | None) -> tuple[dict, list[str]]:
    """`hwcnn csim`: (result, lines) of the csim step's run `st` (a pipeline RunState), checked against
    the simulator on the same inputs and the project's testbench `tb`."""
    secs, n = st.seconds["csim"], len(st.csim)
    result = {"project": str(st.project.path), "dataset": st.dataset, "n_images": n, "images_per_second": n / secs,
              "inputs": st.provenance, **csim_checks(st.project, st.x[:n], st.csim_core, tb, jobs)}
    if st.labels is not None:
        result["accuracy"] = float(np.mean(st.csim.argmax(1) == st.labels[:n]))
    b = result["bit_exact"]
    return result, [
        f"C simulation of {n} {what(st)}: " + (f"accuracy {result['accuracy']:.4f}, " if "accuracy" in result
                                                else "") + f"{n / secs:.0f} images/s",
        f"  bit-exact  sim==csim {b['sim_vs_csim']:.4f} on these; testbench (QONNX outputs) == csim "
        f"{b['testbench_vs_csim']:.4f} on the project's {result['testbench_inputs']} testbench inputs"
        + ("" if result["exact_by_construction"] else " (a loss the conversion recorded: overrides or tables)")]


def simulate_report(st) -> tuple[dict, list[str]]:
    """`hwcnn simulate`: (result, lines) of the simulate step's run `st` (a pipeline RunState)."""
    res, n, secs = st.sim, len(st.x), st.seconds["simulate"]
    result = {"project": str(st.project.path), "dataset": st.dataset, "n_images": n, "images_per_second": n / secs,
              "overflow": res.overflow, "clipped": res.clipped, "inputs": st.provenance}
    if st.labels is not None:
        result["accuracy"] = float(np.mean(st.sim_out.argmax(1) == st.labels))
    lines = [f"simulated {n} {what(st)}: " + (f"accuracy {result['accuracy']:.4f}, " if "accuracy" in result
                                               else "") + f"{n / secs:.0f} images/s",
             f"overflow (wrapped or saturated) per layer: {res.overflow or 'none'}"]
    if res.clipped:
        lines.append(f"clipped by activation quantizers (part of the model): {res.clipped}")
    return result, lines
