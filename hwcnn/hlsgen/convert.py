"""QONNX -> hls4ml HLS project.

Flow: check the graph's operations -> hls4ml config (input at its exact quantized type, every
layer traceable) -> hls4ml conversion -> hwcnn's lossless, minimal types (precision.py) -> user
overrides -> write the project, the hardware description for the simulator, testbench data,
the manifest, a precision report and a synthesis README. All of it is built in a temporary
directory that replaces the target only when complete (hwcnn/outputs.py).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from importlib import resources
from pathlib import Path
from string import Template

import numpy as np

from hwcnn import host
from hwcnn.artifacts import Project, generator_digest
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType
from hwcnn.hlsgen import affine, describe, extensions, partition
from hwcnn.hlsgen.aptype import MAX_QUANT_BITS, quant_type
from hwcnn.hlsgen.config import HlsConfig
from hwcnn.hlsgen.precision import apply_overrides, assign_precisions
from hwcnn.layers import Kind
from hwcnn.operations import CORE_OPS, names_of, unsupported
from hwcnn.outputs import output_dir, replace_bytes, replace_json
from hwcnn.qonnx_transforms import node_attr

def check_supported(qmodel) -> None:
    """Refuse, with every reason at once (one line), what hwcnn cannot carry to hardware exactly,
    before hls4ml trips over it."""
    reasons = []
    bad: dict[str, list[str]] = {}
    for node in qmodel.graph.node:
        if node.op_type not in CORE_OPS:
            bad.setdefault(node.op_type, []).append(node.name)
    if bad:
        reasons.append(unsupported(bad))
    work = [n.op_type for n in qmodel.graph.node if qmodel.get_initializer(n.input[0]) is None]
    if not bad and set(work) <= {"Quant", "Reshape", "Flatten", "Transpose"}:  # hls4ml fails on such a core
        reasons.append(f"the core of this model computes no layer (only {', '.join(dict.fromkeys(work)) or 'nothing'}, "
                       "once the host's float work before and after it is set apart): hwcnn makes hardware of "
                       "convolutions, dense layers, pooling and activations")
    for node in qmodel.graph.node:  # hls4ml sizes pools by the floor formula; a max pool's ceil mode is padding
        if node.op_type == "AveragePool" and node_attr(node, "ceil_mode", 0):
            reasons.append(f"average pool {node.name} in ceil mode (hls4ml ignores ceil_mode and its windows past "
                           "the edge divide by another count than PyTorch's); use ceil_mode=False or max pooling")
    for node in qmodel.graph.node:  # a batch norm or constant arithmetic must lead to a quantizer
        if _is_affine(qmodel, node) and not _is_affine(qmodel, qmodel.find_producer(node.input[0])):
            try:
                affine.chain(qmodel, node.input[0], _chain_name(qmodel, node))
            except HwcnnError as err:
                reasons.append(str(err))
    widths = {n.name: float(np.ravel(qmodel.get_initializer(n.input[3]))[0]) for n in qmodel.graph.node
              if n.op_type == "Quant" and qmodel.get_initializer(n.input[3]) is not None}
    odd = {name: w for name, w in widths.items() if not (1 <= w <= MAX_QUANT_BITS and w == int(w))}
    if odd:
        reasons.append(f"quantizer bit widths outside 1..{MAX_QUANT_BITS} or not whole: "
                       + ", ".join(f"{name} ({w:g} bits)" for name, w in list(odd.items())[:4]))
    for node in qmodel.graph.node:  # the sign function (a 1-bit signed Quant) is carried as a fitted affine layer
        if widths.get(node.name) == 1 and node_attr(node, "signed", 1) \
                and qmodel.get_initializer(node.input[0]) is None \
                and not _is_affine(qmodel, qmodel.find_producer(node.input[0])):
            reasons.append(f"the binary (bipolar) activation {node.name} does not follow a batch norm or a constant "
                           "scaling: hwcnn computes the sign function exactly only as such a layer's output "
                           "(as binary networks have it: QuantLinear, BatchNorm1d, binary QuantIdentity)")
    scales = {n.name: qmodel.get_initializer(n.input[1]) for n in qmodel.graph.node if n.op_type == "Quant"}
    not_pow2 = [name for name, v in scales.items() if np.size(v) == 1 and np.frexp(float(np.ravel(v)[0]))[0] != 0.5]
    if not_pow2:
        listed = ", ".join(f"{name} (scale {float(np.ravel(scales[name])[0]):.6g})" for name in not_pow2[:4])
        reasons.append(f"quantizer scales that are not powers of two: {listed}{', ...' if len(not_pow2) > 4 else ''}; "
                       "hwcnn carries float scales where the core can compute on integer codes: on weights (one "
                       "scale or one per output channel) and on activations (one scale) read through reshapes, max "
                       "pooling and ReLU by convolutions and dense layers, or at the output; not into an addition "
                       "of branches, an average or a concatenation: use power-of-two scales there (Brevitas' "
                       "*FixedPoint quantizers, e.g. Int8ActPerTensorFixedPoint)")
    per_channel = [name for name, v in scales.items() if np.size(v) > 1]
    if per_channel:
        # hls4ml 1.3.0's QONNX frontend fails on them (a bare IndexError while it builds the scale layer);
        # per-channel scales on weights become one scale (powers of two) or codes and an exact scaling
        # (FloatScalesToCodes) by hwcnn's qonnx passes: these are what is left
        first = np.unique(scales[per_channel[0]])
        reasons.append(f"per-channel quantizer scales ({names_of(per_channel)}; {per_channel[0]} has {len(first)} "
                       f"scales such as {', '.join(f'{v:.6g}' for v in first[:3])}) are not supported here: hwcnn "
                       "takes one scale or one per output channel on the weights of a convolution or dense layer "
                       "that no other layer shares, and one scale per activation tensor")
    floats = [node.name for node in qmodel.graph.node if _float_bias(qmodel, node)]
    if floats:
        reasons.append(f"unquantized (float) bias in {names_of(floats)}: QONNX adds it in float32, which fixed point "
                       "cannot reproduce bit for bit; give the layer a Brevitas bias quantizer (bias_quant=Int16Bias "
                       "or Int32Bias) or bias=False")
    if reasons:
        raise HwcnnError("; and ".join(reasons))


def _chain_name(qmodel, node) -> str:
    """A chain of float operations by its first node the user wrote: an ExactScale (hwcnn's float
    scaling of a sum of products) by the operation after it, or by its layer."""
    if node.op_type != "ExactScale":
        return f"{node.op_type} {node.name}"
    after = qmodel.find_consumers(node.output[0])
    if len(after) == 1 and _is_affine(qmodel, after[0]):
        return f"{after[0].op_type} {after[0].name}"
    return f"the float-scale output of {qmodel.find_producer(node.input[0]).op_type} {node.name.removesuffix('_scale')}"


def _is_affine(qmodel, node) -> bool:
    """A batch norm, a float scaling of a sum of products, or Mul/Add/Sub/Div by a constant that is
    not a layer's bias."""
    if node is None or node.op_type not in affine.AFFINE:
        return False
    return node.op_type in ("BatchNormalization", "ExactScale") or (
        affine.constant_operand(qmodel, node) is not None and not _float_bias(qmodel, node))


def _float_bias(qmodel, node) -> bool:
    """A Conv bias, or the constant term of an Add after a Conv or MatMul, that no Quant node makes
    (zero is exact in any type)."""
    if node.op_type == "Conv" and len(node.input) > 2:
        candidates = [node.input[2]]
    elif node.op_type == "Add" and any(getattr(qmodel.find_producer(t), "op_type", None) in ("Conv", "MatMul")
                                       for t in node.input):
        candidates = list(node.input)
    else:
        return False
    for name in candidates:
        value = qmodel.get_initializer(name)
        if value is not None and np.any(value != 0):
            return True
    return False


def input_type(qmodel) -> FixedType:
    """The exact fixed-point type of the graph input: that of the first Quant node it feeds, or,
    through constant input scaling (such as `2x - 1`), the grid and range that the scaling maps
    exactly onto that quantizer's."""
    name = qmodel.graph.input[0].name
    seen = {name}
    for node in qmodel.graph.node:
        if not any(i in seen for i in node.input[:1]):
            continue
        if node.op_type == "Transpose":
            seen.update(node.output)
            continue
        if node.op_type in ("Reshape", "Flatten"):
            # the C simulation of hls4ml 1.3.0's io_stream then differs from QONNX (the input stream
            # keeps the input's last dimension as its width; the quantizer reads the flattened one)
            raise HwcnnError(f"the graph input reaches its quantizer through {node.op_type} {node.name}; hwcnn "
                             "cannot carry that to hls4ml exactly yet: quantize the input before flattening it "
                             "(a QuantIdentity first, then Flatten)")
        if _is_affine(qmodel, node):
            _, _, quant = affine.chain(qmodel, node.input[0], f"the input scaling {node.name}")
            q = quant_type(qmodel, quant)
            t = None if q is None else affine.input_grid(qmodel, node.input[0], q)
            if t is None:
                raise HwcnnError(f"the input scaling before {quant.name} is not exact on any fixed-point input grid: "
                                 "hwcnn takes scaling by a power of two and an offset on the quantizer's grid "
                                 "(such as 2x - 1); do other normalisation before the model")
            return t
        if node.op_type != "Quant":
            break
        t = quant_type(qmodel, node)
        if t is None:
            break
        return t
    raise HwcnnError("the graph input must feed a Quant node with one power-of-two scale and zero point 0 "
                     "(quantize the input, e.g. with a Brevitas QuantIdentity)")


def split(qmodel) -> partition.Split:
    """The graph cut at the core's boundaries (hwcnn/hlsgen/partition.py)."""
    try:
        input_type(qmodel)
        exact = True  # the core's input type holds the graph input exactly (the shipped models)
    except HwcnnError:
        exact = False
    return partition.split(qmodel, exact)


def core_input_type(parts: partition.Split) -> FixedType:
    """The core's input type: the host's quantizer's where a head quantizes the input, else the
    type that holds the graph input exactly."""
    if not parts.head_nodes:
        return input_type(parts.core)
    t = quant_type(parts.head, parts.head_nodes[-1])
    if t.width == 1 and t.signed:  # a bipolar quantizer (QONNX's sign: +-scale): the core takes -1 and +1
        t = FixedType(2, t.integer + 1, True)
    return t


def model_input_type(parts: partition.Split) -> str:
    """What the model's input is: float32 where the host's head quantizes it, else the core's type."""
    return host.FLOAT if parts.head_nodes else core_input_type(parts).hls4ml()


def input_shape(qmodel) -> list[int]:
    """The graph input's shape without the batch dimension."""
    return [d.dim_value for d in qmodel.graph.input[0].type.tensor_type.shape.dim][1:]


def hls4ml_config(qmodel, in_type: FixedType, hls: HlsConfig) -> dict:
    """hls4ml's configuration dict (the only place that builds one)."""
    import hls4ml

    cfg = hls4ml.utils.config.config_from_onnx_model(
        qmodel, granularity="name", backend=hls.hls4ml_backend, default_precision="fixed<32,16>",
        default_reuse_factor=hls.reuse_factor)
    cfg["Model"]["Strategy"] = hls.strategy
    cfg["Model"]["TraceOutput"] = True
    iname = qmodel.graph.input[0].name
    cfg["LayerName"].setdefault(iname, {}).setdefault("Precision", {})["result"] = in_type.hls4ml()
    for layer_cfg in cfg["LayerName"].values():
        layer_cfg["Trace"] = True  # per-layer traces in C simulation locate a first mismatch
    for layer, key, value in hls.layer_settings:  # hls4ml's per-layer config keys
        # hls4ml names a kernel after its class and ONNX node (Conv2D_Conv_2 from Conv_2) and copies the
        # node's entry onto it as it converts: both need the setting
        node = layer.split("_", 1)[1] if "_" in layer else layer
        for name in {layer} | ({node} if node in cfg["LayerName"] else set()):
            cfg["LayerName"].setdefault(name, {})["ReuseFactor" if key == "reuse_factor" else "Strategy"] = \
                int(value) if key == "reuse_factor" else value
    return cfg


@contextlib.contextmanager
def _quiet():
    """hls4ml prints its whole topology and interpretation on every conversion."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def convert(qmodel, out: Path, hls: HlsConfig, tb_inputs: np.ndarray, tb_outputs: np.ndarray, *, source: str,
            source_sha256: str, dataset: str | None, force: bool = False) -> dict:
    """A complete HLS project for `qmodel` at `out`, unchecked (the pipeline's convert step checks
    its projects against QONNX before they are put in place); return the precision summary."""
    with output_dir(out, force) as tmp:
        summary = write_project(qmodel, tmp, hls, tb_inputs, tb_outputs, source=source, dataset=dataset)
        write_records(qmodel, tmp, summary, hls, source=source, source_sha256=source_sha256, dataset=dataset,
                      tb_images=len(tb_inputs))
    return summary


def write_project(qmodel, tmp: Path, hls: HlsConfig, tb_inputs: np.ndarray, tb_outputs: np.ndarray, *,
                  source: str, dataset: str | None, extra: dict | None = None) -> dict:
    """Write the HLS project for `qmodel` into `tmp` (an output being built, hwcnn/outputs.py): the
    firmware, the hardware description, the testbench data; return the precision summary, which
    `write_records` writes with the manifest once the caller has checked the project."""
    import hls4ml

    from hwcnn.qonnx_exec import execute_qonnx

    extensions.register()
    parts = split(qmodel)
    qmodel = parts.core  # hls4ml builds the core; the host runs the head and tail (hwcnn/host.py)
    check_supported(qmodel)
    if hls.board and (parts.head is not None or parts.tail is not None):
        raise HwcnnError(f"--board {hls.board}: the host computes {len(parts.head_nodes) + len(parts.tail_nodes)} float "
                         "operations around this model's core, and the board's PYNQ driver (hls4ml's "
                         "axi_stream_driver.py) does not run them yet; convert without --board, or move that work "
                         "out of the model")
    in_type = core_input_type(parts)
    p = Project(tmp)
    for graph, path in ((parts.head, p.host_pre_path), (parts.tail, p.host_post_path)):
        if graph is not None:
            replace_bytes(path, graph.model.SerializeToString())  # what host.digest hashes
    if parts.head is not None:  # the testbench holds the core's inputs and outputs
        tb_inputs = execute_qonnx(parts.head, tb_inputs)
    if parts.head is not None or parts.tail is not None:
        tb_outputs = execute_qonnx(qmodel, tb_inputs.reshape(len(tb_inputs), *input_shape(qmodel)))
    np.save(p.tb_input_path, np.ascontiguousarray(tb_inputs.reshape(len(tb_inputs), -1), dtype=np.float64))
    np.save(p.tb_output_path, np.ascontiguousarray(tb_outputs.reshape(len(tb_outputs), -1), dtype=np.float64))
    try:
        with _quiet():
            cfg = hls4ml_config(qmodel, in_type, hls)
            # a board: hls4ml's AXI-stream wrapper takes and gives floats, converted by the core's
            # input type (exact on its grid) and from its result type (exact: results are narrow)
            board = dict(board=hls.board, interface="axi_stream", input_type="float",
                         output_type="float") if hls.board else {}
            hm = hls4ml.converters.convert_from_onnx_model(
                qmodel, output_dir=str(tmp), project_name=Project.HLS_NAME, backend=hls.hls4ml_backend,
                io_type=hls.io_type, part=hls.part, clock_period=hls.clock_period, hls_config=cfg,
                input_data_tb=str(p.tb_input_path), output_data_tb=str(p.tb_output_path), **board)
    except HwcnnError:
        raise
    except Exception as err:  # noqa: BLE001 - hls4ml raises bare Exceptions and asserts
        first = str(err).splitlines()[0] if str(err) else ""
        raise HwcnnError(f"hls4ml conversion failed: {type(err).__name__}: {first}") from err
    # hls4ml 1.3.0 reads TraceOutput from the top-level config, which convert_from_onnx_model never
    # fills from hls_config["Model"]; without this no layer output is traced (ModelGraph.trace does the same)
    hm.config.trace_output = True
    for layer in hm.get_layers():
        layer.set_attr("trace", True)  # also those hls4ml's passes insert (ZeroPadding2D, Clone), absent from cfg
    extensions.check_stream_limits(hm)
    extensions.check_kernel_limits(hm)
    records = assign_precisions(hm, in_type, qmodel)
    apply_overrides(hm, hls.overrides, records)
    extensions.render_templates(hm)
    with _quiet():
        hm.write()
    describe.write(hm, qmodel, p, parts.partition)
    kernels = {layer.name for layer in hm.get_layers() if Kind.of(layer.class_name).has_macs}
    unknown = sorted({layer for layer, _, _ in hls.layer_settings} - kernels)
    if unknown:
        raise HwcnnError(f"--layer-setting {unknown[0]}: no such Dense/Conv layer (they are: {', '.join(sorted(kernels))})")
    # hls4ml replaces a reuse factor its Resource kernels cannot use by the nearest valid one, silently
    asked = {layer: int(v) for layer, k, v in hls.layer_settings if k == "reuse_factor"}
    chosen = {layer.name: {"asked": asked.get(layer.name, hls.reuse_factor), "used": int(layer.get_attr("reuse_factor"))}
              for layer in hm.get_layers() if layer.name in kernels and layer.get_attr("reuse_factor") is not None
              and int(layer.get_attr("reuse_factor")) != asked.get(layer.name, hls.reuse_factor)}
    summary = {
        "source": source,
        "dataset": dataset,
        **{k: v for k, v in hls.to_dict().items() if k != "overrides"},
        "input_type": in_type.hls4ml(),  # the core's
        "overridden": [f"{r.layer}.{f}" for r in records for f in r.overridden],
        "reuse_factor_chosen_by_hls4ml": chosen,
        "layers": [{"layer": r.layer, "kind": r.kind, "types": r.types, "range": list(r.range),
                    "reason": r.reason, "overridden": r.overridden} for r in records],
    }
    summary.update(extra or {})
    return summary


def write_records(qmodel, tmp: Path, summary: dict, hls: HlsConfig, *, source: str, source_sha256: str,
                  dataset: str | None, tb_images: int, requested: HlsConfig | None = None) -> None:
    """The manifest, the precision report and the README of a project written by `write_project`.
    `requested`, when given, is what the manifest records instead of `hls` (--fit: the request,
    while `hls` holds the settings chosen for it)."""
    p = Project(tmp)
    parts = split(qmodel)
    replace_json(p.generator_path, {"generator": generator_digest()})
    replace_json(p.manifest_path, Project.make_manifest(source, source_sha256, dataset, input_shape(qmodel),
                                                        model_input_type(parts), (requested or hls).to_dict(),
                                                        tb_images, parts.partition))
    replace_json(p.precision_json_path, summary)
    p.precision_md_path.write_text(precision_markdown(summary))
    p.readme_path.write_text(project_readme(summary, hls, parts))


def precision_markdown(summary: dict) -> str:
    return "# Fixed-point types chosen by hwcnn\n\n" + precision_table(summary)


def precision_table(summary: dict) -> str:
    """The per-layer table of types (also a section of the verification report)."""
    lines = [f"Input: `{summary['input_type']}`. Types are lossless and minimal by interval arithmetic unless "
             "marked *overridden*.", "",
             "| layer | kind | types | value range | why |", "|---|---|---|---|---|"]
    for r in summary["layers"]:
        types = ", ".join(f"{k}: `{v}`" + (" *overridden*" if k in r["overridden"] else "")
                          for k, v in r["types"].items())
        lines.append(f"| {r['layer']} | {r['kind']} | {types} | [{r['range'][0]:g}, {r['range'][1]:g}] | {r['reason']} |")
    return "\n".join(lines) + "\n"


def project_readme(summary: dict, hls: HlsConfig, parts: partition.Split) -> str:
    p = Project(Path("."))
    template = resources.files("hwcnn").joinpath("hls_files", "templates", p.readme_path.name).read_text()
    return Template(template).substitute(
        source=summary["source"], backend=hls.backend, io_type=hls.io_type, strategy=hls.strategy,
        reuse_factor=hls.reuse_factor, part=hls.part, clock_period=hls.clock_period, top=Project.HLS_NAME,
        precision_md=p.precision_md_path.name, manifest=p.manifest_path.name, description=p.description_path.name,
        description_weights=p.description_weights_path.name, partition=partition_text(parts.partition))


def partition_text(part: dict) -> str:
    """Where the core begins and ends (a partition record, hwcnn/host.py), in words."""
    ops = {side: ", ".join(f"{n['op']} {n['name']}" for n in part[side]) for side in ("host_pre", "host_post")}
    core = part["core"]
    if not ops["host_pre"] and not ops["host_post"]:
        return (f"The core computes the whole model, from QONNX tensor {', '.join(core['inputs'])} to "
                f"{', '.join(core['outputs'])}; the host computes nothing before or after it.")
    said = [f"before the core: {ops['host_pre']}" if ops["host_pre"] else "",
            f"after it: {ops['host_post']}" if ops["host_post"] else ""]
    return (f"The core computes QONNX tensors {', '.join(core['inputs'])} to {', '.join(core['outputs'])}. The host "
            f"computes in float32, the same operations in QONNX's order (qonnx's executor), "
            f"{'; '.join(s for s in said if s)}.")


def random_inputs(input_type: str, shape, n: int, seed: int = 0) -> np.ndarray:
    """Seeded random inputs for QONNX files with no dataset attached: on the input type's grid, or,
    where the host quantizes a float input (`input_type` "float32"), uniform in [0, 1) as image pixels are."""
    rng = np.random.default_rng(seed)
    if input_type == host.FLOAT:
        return rng.random(size=(n, *shape), dtype=np.float32)
    t = FixedType.parse(input_type)
    raw = rng.integers(t.min_raw, t.max_raw + 1, size=(n, *shape))
    return (raw * t.lsb).astype(np.float32)
