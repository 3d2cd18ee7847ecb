"""QONNX -> hls4ml HLS project: the only module that speaks hls4ml's configuration dialect.

Flow: check the graph's operations -> hls4ml config (input at its exact quantized type, every
layer traceable) -> hls4ml conversion -> hwcnn's lossless, minimal types (precision.py) -> user
overrides -> write the project, the hardware description for the simulator, testbench data
from real test images, a precision report and a synthesis README. All of it is built in a
temporary directory that replaces the target only when complete.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hwcnn import hwdesc
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType
from hwcnn.fsutil import atomic_output_dir, write_json

PROJECT_NAME = "myproject"
REPORT_JSON = "hwcnn_precision.json"
REPORT_MD = "hwcnn_precision.md"

# QONNX operations hwcnn's flow (hls4ml conversion + simulator) handles
SUPPORTED_OPS = {
    "Quant", "Conv", "Relu", "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool", "MatMul", "Add", "Flatten",
    "Reshape", "Transpose", "Concat", "ReduceMean",
}


@dataclass
class ConvertOptions:
    """hls4ml project settings (see `hwcnn convert --help`)."""

    backend: str = "Vitis"
    io_type: str = "io_stream"
    reuse_factor: int = 1
    strategy: str = "Latency"
    part: str = "xcu250-figd2104-2L-e"
    clock_period: float = 5.0
    overrides: dict[tuple[str, str], str] = field(default_factory=dict)  # (layer, field) -> type string

    @classmethod
    def from_args(cls, args) -> "ConvertOptions":
        if args.reuse_factor < 1:
            raise HwcnnError(f"--reuse-factor must be >= 1, got {args.reuse_factor}")
        if args.clock_period <= 0:
            raise HwcnnError(f"--clock-period must be positive, got {args.clock_period}")
        return cls(args.backend, args.io_type, args.reuse_factor, args.strategy, args.part, args.clock_period,
                   parse_overrides(args.precision))


def parse_overrides(items: list[str]) -> dict[tuple[str, str], str]:
    """`LAYER.FIELD=TYPE` strings -> {(layer, field): type}; the type must parse."""
    out = {}
    for item in items:
        m = re.fullmatch(r"([^.=\s]+)\.(result|accum|weight|bias)=(\S+)", item)
        if not m:
            raise HwcnnError(f"--precision {item!r}: expected LAYER.FIELD=TYPE with FIELD one of result, accum, "
                             f"weight, bias, e.g. Conv2D_Conv_0.accum=fixed<12,4,TRN,SAT>")
        try:
            FixedType.parse(m.group(3))
        except ValueError as err:
            raise HwcnnError(f"--precision {item!r}: {err}") from None
        out[(m.group(1), m.group(2))] = m.group(3)
    return out


def check_supported(qmodel) -> None:
    """Name the first operation hwcnn cannot carry to hardware, before hls4ml trips over it."""
    for node in qmodel.graph.node:
        if node.op_type == "BatchNormalization":
            raise HwcnnError(f"batch norm {node.name} cannot be made bit-exact after quantization; fold it into "
                             "the float convolutions before QAT (hwcnn.models.squeezenet.fold_batch_norm)")
        if node.op_type not in SUPPORTED_OPS:
            raise HwcnnError(f"unsupported operation {node.op_type} (node {node.name}); hwcnn supports "
                             f"{', '.join(sorted(SUPPORTED_OPS))}")


def input_type(qmodel) -> FixedType:
    """The exact fixed-point type of the graph input: that of the first Quant node it feeds."""
    name = qmodel.graph.input[0].name
    seen = {name}
    for node in qmodel.graph.node:
        if not any(i in seen for i in node.input[:1]):
            continue
        if node.op_type == "Transpose":
            seen.update(node.output)
            continue
        if node.op_type != "Quant":
            break
        scale = qmodel.get_initializer(node.input[1])
        zero = qmodel.get_initializer(node.input[2])
        bits = qmodel.get_initializer(node.input[3])
        if scale is None or bits is None or np.size(scale) != 1 or np.any(zero != 0):
            break
        mant, exp = np.frexp(float(np.asarray(scale).ravel()[0]))
        if mant != 0.5:
            break
        signed = bool(_attr(node, "signed", 1))
        width = int(np.asarray(bits).ravel()[0])
        frac = 1 - int(exp)  # scale = 2^(exp-1)
        return FixedType(width, width - frac, signed)
    raise HwcnnError("the graph input must feed a Quant node with one power-of-two scale and zero point 0 "
                     "(quantize the input, e.g. with a Brevitas QuantIdentity)")


def _attr(node, name, default):
    from onnx import helper

    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def hls_config(qmodel, in_type: FixedType, opts: ConvertOptions) -> dict:
    import hls4ml

    cfg = hls4ml.utils.config.config_from_onnx_model(
        qmodel, granularity="name", backend=opts.backend, default_precision="fixed<32,16>",
        default_reuse_factor=opts.reuse_factor)
    cfg["Model"]["Strategy"] = opts.strategy
    cfg["Model"]["TraceOutput"] = True
    iname = qmodel.graph.input[0].name
    cfg["LayerName"].setdefault(iname, {}).setdefault("Precision", {})["result"] = in_type.hls4ml()
    for layer_cfg in cfg["LayerName"].values():
        layer_cfg["Trace"] = True  # per-layer traces in C simulation locate a first mismatch
    return cfg


@contextlib.contextmanager
def _quiet():
    """hls4ml prints its whole topology and interpretation on every conversion."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def apply_overrides(hm, overrides: dict[tuple[str, str], str], records) -> None:
    from hwcnn.precision import hls_precision

    layers = {layer.name: layer for layer in hm.get_layers()}
    by_name = {r.layer: r for r in records}
    for (lname, fieldname), text in overrides.items():
        if lname not in layers:
            raise HwcnnError(f"--precision: no layer {lname}; layers are {', '.join(layers)}")
        layer = layers[lname]
        t = FixedType.parse(text)  # validated by parse_overrides
        if fieldname == "result":
            layer.get_output_variable().type.precision = hls_precision(t)
            if "result_t" in layer.types:
                layer.types["result_t"].precision = hls_precision(t)
        elif fieldname == "accum":
            if "accum_t" not in layer.types:
                raise HwcnnError(f"--precision: layer {lname} ({layer.class_name}) has no accumulator")
            layer.types["accum_t"].precision = hls_precision(t)
        else:
            if fieldname not in layer.weights:
                raise HwcnnError(f"--precision: layer {lname} ({layer.class_name}) has no {fieldname}")
            layer.weights[fieldname].update_precision(hls_precision(t))
        rec = by_name[lname]
        rec.types[fieldname] = t.hls4ml()
        rec.overridden.append(fieldname)


def convert(qmodel, out: Path, opts: ConvertOptions, tb_inputs: np.ndarray, tb_outputs: np.ndarray,
            force: bool = False, source: str = "", dataset: str | None = None) -> dict:
    """Write a complete HLS project for `qmodel` to `out`; return the conversion summary."""
    import hls4ml

    from hwcnn import hls4ml_ext
    from hwcnn.precision import assign_precisions

    hls4ml_ext.register()
    check_supported(qmodel)
    in_type = input_type(qmodel)
    t0 = time.perf_counter()
    with atomic_output_dir(out, force) as tmp:
        np.save(tmp / "tb_input.npy", np.ascontiguousarray(tb_inputs.reshape(len(tb_inputs), -1), dtype=np.float64))
        np.save(tmp / "tb_output.npy", np.ascontiguousarray(tb_outputs.reshape(len(tb_outputs), -1), dtype=np.float64))
        try:
            with _quiet():
                cfg = hls_config(qmodel, in_type, opts)
                hm = hls4ml.converters.convert_from_onnx_model(
                    qmodel, output_dir=str(tmp), project_name=PROJECT_NAME, backend=opts.backend,
                    io_type=opts.io_type, part=opts.part, clock_period=opts.clock_period, hls_config=cfg,
                    input_data_tb=str(tmp / "tb_input.npy"), output_data_tb=str(tmp / "tb_output.npy"))
        except HwcnnError:
            raise
        except Exception as err:  # noqa: BLE001 - hls4ml raises bare Exceptions and asserts
            raise HwcnnError(f"hls4ml conversion failed: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}") from err
        # hls4ml 1.3.0 reads TraceOutput from the top-level config, which convert_from_onnx_model never
        # fills from hls_config["Model"]; without this no layer output is traced (ModelGraph.trace does the same)
        hm.config.trace_output = True
        for layer in hm.get_layers():
            layer.set_attr("trace", True)  # also those hls4ml's passes insert (ZeroPadding2D, Clone), absent from cfg
        hls4ml_ext.check_stream_limits(hm)
        records = assign_precisions(hm, in_type)
        apply_overrides(hm, opts.overrides, records)
        with _quiet():
            hm.write()
        hwdesc.write(hm, tmp)
        summary = {
            "source": source,
            "dataset": dataset,
            "backend": opts.backend, "io_type": opts.io_type, "strategy": opts.strategy,
            "reuse_factor": opts.reuse_factor, "part": opts.part, "clock_period_ns": opts.clock_period,
            "input_type": in_type.hls4ml(),
            "overridden": [f"{r.layer}.{f}" for r in records for f in r.overridden],
            "layers": [{"layer": r.layer, "kind": r.kind, "types": r.types, "range": list(r.range),
                        "reason": r.reason, "overridden": r.overridden} for r in records],
            "seconds": round(time.perf_counter() - t0, 2),
        }
        write_json(tmp / REPORT_JSON, summary)
        (tmp / REPORT_MD).write_text(precision_markdown(summary))
        (tmp / "README_hwcnn.md").write_text(project_readme(summary))
    return summary


def precision_markdown(summary: dict) -> str:
    lines = ["# Fixed-point types chosen by hwcnn", "",
             f"Input: `{summary['input_type']}`. Types are lossless and minimal by interval arithmetic unless "
             "marked *overridden*.", "",
             "| layer | kind | types | value range | why |", "|---|---|---|---|---|"]
    for r in summary["layers"]:
        types = ", ".join(f"{k}: `{v}`" + (" *overridden*" if k in r["overridden"] else "")
                          for k, v in r["types"].items())
        lines.append(f"| {r['layer']} | {r['kind']} | {types} | [{r['range'][0]:g}, {r['range'][1]:g}] | {r['reason']} |")
    return "\n".join(lines) + "\n"


def project_readme(summary: dict) -> str:
    return f"""# HLS project generated by hwcnn

Source: {summary['source']}. Backend {summary['backend']}, {summary['io_type']}, strategy {summary['strategy']},
reuse factor {summary['reuse_factor']}, part `{summary['part']}`, clock {summary['clock_period_ns']} ns.

- `firmware/`: the HLS C++ (top function `{PROJECT_NAME}` in `firmware/{PROJECT_NAME}.cpp`, types in
  `firmware/defines.h`, layer configurations in `firmware/parameters.h`).
- `tb_data/`: testbench inputs (real test images, NCHW, pixel value = k/256) and the expected outputs of
  the Brevitas QAT model, which the C simulation reproduces exactly.
- `{REPORT_MD}`: every fixed-point type and why it was chosen.
- `hwcnn_model.json`, `hwcnn_weights.npz`: the hardware description that hwcnn's NumPy simulator reads.

## Synthesize
With Vitis HLS on the PATH:

    vitis_hls -f build_prj.tcl "csim=1 synth=1 cosim=0 export=0"

(`vivado_hls` for the Vivado backend.) The reports land in `{PROJECT_NAME}_prj/solution1/syn/report/`.

## C simulation without Xilinx tools

    hwcnn csim . --n 100
"""


def cli_convert(args) -> int:
    from hwcnn.export import QONNX_FILE, execute_qonnx, export_model

    opts = ConvertOptions.from_args(args)
    source = Path(args.source)
    if source.is_dir():
        import tempfile

        from hwcnn.models import load_model_dir

        model, cfg = load_model_dir(source)
        if cfg.quant is None:
            raise HwcnnError(f"{source} is a float model; convert a QAT model")
        with tempfile.TemporaryDirectory() as tmp:
            qmodel = export_model(model, (cfg.in_channels, 32, 32), Path(tmp) / QONNX_FILE)
        dataset = cfg.dataset
        x = tb_images(dataset, args.tb_images, args.data_dir, args.cache_dir)
    elif source.is_file():
        qmodel = load_qonnx(source)
        shape = [d.dim_value for d in qmodel.graph.input[0].type.tensor_type.shape.dim][1:]
        x = random_inputs(input_type(qmodel), shape, args.tb_images)
        dataset = None
    else:
        raise HwcnnError(f"{source} does not exist (give a model directory or a .onnx QONNX file)")
    y = execute_qonnx(qmodel, x)
    summary = convert(qmodel, args.out, opts, x, y, force=args.force, source=str(source), dataset=dataset)
    print(f"wrote HLS project {args.out} ({len(summary['layers'])} layers, {summary['seconds']} s); "
          f"types: {args.out / REPORT_MD}")
    if args.json:
        write_json(args.json, summary)
    return 0


def load_qonnx(path: Path):
    """Load a user's QONNX file and run hwcnn's qonnx passes on it (they are idempotent)."""
    from qonnx.core.modelwrapper import ModelWrapper

    from hwcnn.export import qonnx_passes

    try:
        qmodel = ModelWrapper(str(path))
    except Exception as err:  # noqa: BLE001 - onnx raises DecodeError and others
        raise HwcnnError(f"{path} is not a readable ONNX file: {type(err).__name__}") from None
    check_supported(qmodel)
    for _name, apply in qonnx_passes():
        qmodel = apply(qmodel)
    return qmodel


def tb_images(dataset: str, n: int, data_dir, cache_dir) -> np.ndarray:
    """The first n official test images, float32 NCHW, value k/256."""
    from hwcnn.data import load_split
    from hwcnn.data.encoding import to_float

    split = load_split(dataset, "test", data_dir=data_dir, cache_dir=cache_dir)
    return to_float(split.images[:n])


def random_inputs(t: FixedType, shape, n: int, seed: int = 0) -> np.ndarray:
    """Seeded random inputs on the input type's grid (for QONNX files with no dataset attached)."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(t.min_raw, t.max_raw + 1, size=(n, *shape))
    return (raw * t.lsb).astype(np.float32)
