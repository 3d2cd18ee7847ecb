"""Brevitas -> QONNX, then one explicit, ordered list of qonnx graph passes, checked against Brevitas.

The exported graph keeps the NCHW input of the PyTorch model (channels-last conversion inserts
one input Transpose that hls4ml implements), so every consumer feeds it the same tensors.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import warnings
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.operations import check_exported
from hwcnn.outputs import replace_bytes, write_bytes
from hwcnn.qonnx_exec import execute_qonnx


def qonnx_passes():
    """The ordered qonnx passes applied after export, as (name, callable(model) -> model)."""
    from qonnx.transformation.channels_last import ConvertToChannelsLastAndClean
    from qonnx.transformation.gemm_to_matmul import GemmToMatMul
    from qonnx.util.cleanup import cleanup_model

    from hwcnn.qonnx_ext import AveragePoolToChannelsLast
    from hwcnn.qonnx_transforms import (BipolarQuantToQuant, ChannelsLastConcat, ChannelsLastGlobalAveragePool, GemmZeroBias,
                                        MaxPoolCeilToPads, MoveQuantActivationBeforeConcat,
                                        PerChannelPow2WeightsToPerTensor)

    return [
        # constant folding, shape inference, unique names: what every qonnx consumer expects
        ("cleanup", cleanup_model),
        # hls4ml's binary (XNOR) path gives the sign of zero as -1, QONNX as +1: Quant nodes of the same function
        ("bipolar_quant_to_quant", lambda m: m.transform(BipolarQuantToQuant())),
        # hls4ml takes one scale per weight tensor; per-channel powers of two fit one finer one exactly
        ("per_channel_pow2_weights", lambda m: m.transform(PerChannelPow2WeightsToPerTensor())),
        # hls4ml sizes pools with the floor formula: ceil mode becomes the end padding it implies
        ("maxpool_ceil_to_pads", lambda m: m.transform(MaxPoolCeilToPads())),
        # qonnx has no channels-last AveragePool and hls4ml takes no other (see qonnx_ext.py)
        ("avgpool_channels_last", lambda m: m.transform(AveragePoolToChannelsLast())),
        # hls4ml's QONNX frontend wants channels-last tensors (it streams pixels, channels innermost)
        ("channels_last", lambda m: m.transform(ConvertToChannelsLastAndClean(make_input_channels_last=False))),
        # hls4ml maps MatMul (+ Add) onto its Dense layer; it has no Gemm handler
        ("gemm_zero_bias", lambda m: m.transform(GemmZeroBias())),
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


def export_model(model, input_shape: tuple[int, ...]):
    """Export a Brevitas QAT module to QONNX and return the cleaned ModelWrapper."""
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
        check_exported(qmodel)
        for _name, apply in qonnx_passes():
            qmodel = apply(qmodel)
    return qmodel


def export_checked(model, x: np.ndarray):
    """Export `model` and check that the QONNX graph computes exactly what Brevitas computes on x
    (float32 NCHW images); return the graph and its outputs on x."""
    import torch

    qmodel = export_model(model, tuple(x.shape[1:]))
    y_qonnx = execute_qonnx(qmodel, x)
    with torch.no_grad():
        y_brevitas = model.eval()(torch.from_numpy(x)).double().numpy().reshape(len(x), -1)
    if not np.array_equal(y_qonnx, y_brevitas):
        diff = float(np.abs(y_qonnx - y_brevitas).max())
        raise HwcnnError(f"QONNX execution differs from the Brevitas model by up to {diff:g} on {len(x)} images; "
                         "the export or a qonnx pass changed the function")
    return qmodel, y_qonnx


def save_qonnx(qmodel, path: Path, force: bool = False, inside_output: bool = False) -> None:
    """Write the graph: as a user-facing file (refused over an existing one without force), or
    inside an output hwcnn is building."""
    data = qmodel.model.SerializeToString()
    if inside_output:
        replace_bytes(Path(path), data)
    else:
        write_bytes(Path(path), data, force)


def load_qonnx(path: Path):
    """Load a user's QONNX file and run hwcnn's qonnx passes on it (they are idempotent)."""
    from qonnx.core.modelwrapper import ModelWrapper

    path = Path(path)
    if not path.is_file():
        raise HwcnnError(f"{path} does not exist (give a model directory or a .onnx QONNX file)")
    try:
        qmodel = ModelWrapper(str(path))
    except Exception as err:  # noqa: BLE001 - onnx raises DecodeError and others
        raise HwcnnError(f"{path} is not a readable ONNX file: {type(err).__name__}") from None
    _check_interface(qmodel, path)
    check_exported(qmodel)
    # the operations no pass can remove are refused before the passes; the rest after them (which turn
    # Gemm into MatMul, for one), at conversion;
    # quiet: qonnx 1.0.0's GemmToMatMul warns on every Brevitas export (it reads the qonnx domain's
    # version 2 as the ONNX opset), which tells the user nothing
    with _quiet():
        for name, apply in qonnx_passes():
            try:
                qmodel = apply(qmodel)
            except Exception as err:  # noqa: BLE001 - qonnx passes fail with bare IndexErrors and others
                raise HwcnnError(f"{path}: qonnx pass {name} failed ({type(err).__name__}: {err}); hwcnn cannot "
                                 "prepare this graph for hls4ml") from None
    return qmodel


def _check_interface(qmodel, path: Path) -> None:
    """One input of a fixed shape (the batch dimension aside) and one output: what a core has."""
    inits = {i.name for i in qmodel.graph.initializer}
    inputs = [i for i in qmodel.graph.input if i.name not in inits]
    if len(inputs) != 1 or len(qmodel.graph.output) != 1:
        raise HwcnnError(f"{path}: the graph has {len(inputs)} inputs and {len(qmodel.graph.output)} outputs; hwcnn "
                         "makes a core of one input and one output")
    dims = inputs[0].type.tensor_type.shape.dim
    shown = [d.dim_param or d.dim_value for d in dims]
    if len(dims) < 2 or any(d.dim_value < 1 for d in dims[1:]):
        raise HwcnnError(f"{path}: input {inputs[0].name} has shape {shown}: hwcnn needs a fixed size in every "
                         "dimension but the batch (export with a fixed example input, e.g. torch.zeros(1, 1, 28, 28))")
