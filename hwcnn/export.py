"""Brevitas -> QONNX, then one explicit, ordered list of qonnx graph passes.

The exported graph keeps the NCHW input of the PyTorch model (channels-last conversion inserts
one input Transpose that hls4ml implements), so every consumer feeds it the same tensors.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError

QONNX_FILE = "model.qonnx.onnx"


def qonnx_passes():
    """The ordered qonnx passes applied after export, as (name, callable(model) -> model)."""
    from qonnx.transformation.channels_last import ConvertToChannelsLastAndClean
    from qonnx.transformation.gemm_to_matmul import GemmToMatMul
    from qonnx.util.cleanup import cleanup_model

    from hwcnn.qonnx_ext import AveragePoolToChannelsLast
    from hwcnn.qonnx_transforms import (ChannelsLastConcat, ChannelsLastGlobalAveragePool,
                                        MoveQuantActivationBeforeConcat)

    return [
        # constant folding, shape inference, unique names: what every qonnx consumer expects
        ("cleanup", cleanup_model),
        # qonnx has no channels-last AveragePool and hls4ml takes no other (see qonnx_ext.py)
        ("avgpool_channels_last", lambda m: m.transform(AveragePoolToChannelsLast())),
        # hls4ml's QONNX frontend wants channels-last tensors (it streams pixels, channels innermost)
        ("channels_last", lambda m: m.transform(ConvertToChannelsLastAndClean(make_input_channels_last=False))),
        # hls4ml maps MatMul (+ Add) onto its Dense layer; it has no Gemm handler
        ("gemm_to_matmul", lambda m: m.transform(GemmToMatMul())),
        # hwcnn's own (hwcnn/qonnx_transforms.py): what the channels-last pass leaves for hls4ml io_stream
        ("channels_last_concat", lambda m: m.transform(ChannelsLastConcat())),
        ("quant_activation_before_concat", lambda m: m.transform(MoveQuantActivationBeforeConcat())),
        ("channels_last_global_average_pool", lambda m: m.transform(ChannelsLastGlobalAveragePool())),
        ("cleanup_again", cleanup_model),
    ]


@contextlib.contextmanager
def _quiet():
    """Brevitas and torch.onnx print progress and warnings that say nothing to our users."""
    loggers = [logging.getLogger(n) for n in ("torch.onnx", "torch.export", "torch._export")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, lv in zip(loggers, levels):
            lg.setLevel(lv)


def export_model(model, input_shape: tuple[int, ...], path: Path):
    """Export a Brevitas QAT module to QONNX at `path` and return the cleaned ModelWrapper."""
    import torch
    from brevitas.export import export_qonnx
    from qonnx.core.modelwrapper import ModelWrapper

    model = model.eval()
    example = torch.zeros((1, *input_shape), dtype=torch.float32)
    with tempfile.TemporaryDirectory() as tmp, _quiet():
        raw_path = Path(tmp) / "raw.onnx"
        try:
            export_qonnx(model, args=example, export_path=str(raw_path))
        except Exception as err:  # noqa: BLE001 - brevitas raises many types; the user needs one line
            raise HwcnnError(f"QONNX export failed: {type(err).__name__}: {str(err).splitlines()[0]}") from err
        qmodel = ModelWrapper(str(raw_path))
        for _name, apply in qonnx_passes():
            qmodel = apply(qmodel)
    path.parent.mkdir(parents=True, exist_ok=True)
    qmodel.save(str(path))
    return qmodel


def execute_qonnx(qmodel, x: np.ndarray) -> np.ndarray:
    """Run the QONNX graph (qonnx's reference executor) image by image; x is float32 NCHW."""
    import onnxruntime
    from qonnx.core.onnx_exec import execute_onnx

    # qonnx runs each node as its own opset-1 model; onnxruntime warns about that on every node
    onnxruntime.set_default_logger_severity(3)
    iname = qmodel.graph.input[0].name
    oname = qmodel.graph.output[0].name
    outs = [execute_onnx(qmodel, {iname: x[i : i + 1].astype(np.float32)})[oname] for i in range(len(x))]
    return np.concatenate(outs, axis=0).reshape(len(x), -1)


def cli_export(args) -> int:
    import torch

    from hwcnn.fsutil import check_output_free, write_json
    from hwcnn.models import load_model_dir

    model, cfg = load_model_dir(args.model_dir)
    if cfg.quant is None:
        raise HwcnnError(f"{args.model_dir} is a float model; only QAT models export to QONNX")
    out = args.out or Path(args.model_dir) / QONNX_FILE
    check_output_free(out, args.force)
    shape = (cfg.in_channels, 32, 32)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None) as tmp:
        qmodel = export_model(model, shape, Path(tmp) / out.name)
        # the exported graph must compute what Brevitas computes, exactly
        rng = np.random.default_rng(0)
        x = (rng.integers(0, 256, size=(8, *shape)) / 256).astype(np.float32)
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy().reshape(len(x), -1)
        got = execute_qonnx(qmodel, x)
        diff = float(np.abs(got - ref).max())
        if diff != 0.0:
            raise HwcnnError(f"QONNX execution differs from Brevitas by up to {diff:g}; refusing to write {out}")
        Path(tmp, out.name).replace(out)
    result = {"model": str(args.model_dir), "qonnx": str(out), "passes": [n for n, _ in qonnx_passes()],
              "qonnx_vs_brevitas_max_abs_diff": diff, "seconds": round(time.perf_counter() - t0, 2)}
    print(f"wrote {out} (QONNX execution == Brevitas on 8 images; passes: {', '.join(result['passes'])})")
    if args.json:
        write_json(args.json, result)
    return 0
