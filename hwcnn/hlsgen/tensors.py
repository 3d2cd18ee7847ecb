"""Which QONNX tensor each hls4ml layer reads and computes: the one map between the two graphs.

hls4ml 1.3.0's QONNX front end names every layer's input and output variables after the ONNX tensors
they came from, and hwcnn relies on that twice: the type rules of batch norms and constant scalings
evaluate the QONNX quantizer after a layer's input tensor (`affine.levels_of`), and the verification
finds the first layer whose output differs from its QONNX tensor. That naming is written down and
checked here, once per conversion, and each layer's entry goes into the hardware description
("qonnx": {"input", "output"}), so the checks read it instead of guessing.
"""

from __future__ import annotations

from hwcnn.errors import HwcnnError
from hwcnn.hlsgen.aptype import fixed_of
from hwcnn.hwdesc import is_quantizer
from hwcnn.layers import Kind


def _tensors(qmodel) -> set[str]:
    g = qmodel.graph
    return {t for n in g.node for t in (*n.input, *n.output)} | {t.name for t in g.input}


def constant(qmodel, tensor: str) -> bool:
    """An initializer, or a Quant of one (a quantized bias)."""
    if qmodel.get_initializer(tensor) is not None:
        return True
    producer = qmodel.find_producer(tensor)
    return producer is not None and producer.op_type == "Quant" and qmodel.get_initializer(producer.input[0]) is not None


def input_tensor(qmodel, layer) -> str:
    """The QONNX tensor a layer's first input is (refused where hls4ml made one QONNX never had)."""
    name = layer.inputs[0]
    if name not in _tensors(qmodel):
        raise HwcnnError(f"layer {layer.name}: its input {name!r} is no tensor of the QONNX graph; hwcnn reads "
                         "the QONNX quantizer after it to type the layer (please report this model)")
    return name


def output_tensor(qmodel, layer) -> str | None:
    """The QONNX tensor a typed layer's output equals: the tensor of its name, or, where hls4ml merged
    the quantizer after it into its result type, that quantizer's output; None where the layer holds a
    value QONNX never forms (a batch norm's result before the ReLU that precedes its quantizer, or a
    tensor hls4ml made: a Clone's copies, an inserted padding)."""
    name = layer.outputs[0]
    if name not in _tensors(qmodel):
        return None
    readers = qmodel.find_consumers(name)
    if (Kind.of(layer.class_name).has_macs and len(readers) == 1 and readers[0].op_type == "Add"
            and any(constant(qmodel, t) for t in readers[0].input if t != name)):
        name = readers[0].output[0]  # the bias addition, which hls4ml merged into the layer
    producer = qmodel.find_producer(name)
    result = fixed_of(layer.get_output_variable().type.precision)
    if producer is None or producer.op_type == "Quant" or not is_quantizer(result):
        return name
    readers = qmodel.find_consumers(name)
    if len(readers) == 1 and readers[0].op_type == "Quant":
        return readers[0].output[0]
    affine = Kind.of(layer.class_name) in (Kind.BATCH_NORMALIZATION, Kind.APPLY_ALPHA)
    return None if affine and len(readers) == 1 and readers[0].op_type == "Relu" else name


def qonnx_map(hm, qmodel) -> dict[str, dict]:
    """{layer: {"input": QONNX tensor or None, "output": QONNX tensor or None}} of a typed ModelGraph."""
    known = _tensors(qmodel)
    return {layer.name: {"input": layer.inputs[0] if layer.inputs and layer.inputs[0] in known else None,
                         "output": output_tensor(qmodel, layer)} for layer in hm.get_layers()}
