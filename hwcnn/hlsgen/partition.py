"""Where the core begins and ends: the QONNX graph cut into the host's head, the core and the host's tail.

The head is the chain from the graph input through shapes and constant arithmetic to the first
quantizer, inclusive, made only where the core cannot take the graph input exactly itself (a
normalisation no fixed-point input grid maps onto the quantizer's, a Flatten before it). The tail
is the chain of float operations after the last tensor the core computes exactly (constant
arithmetic, batch norm, Softmax, Sigmoid, ArgMax), made only where one of them is there. A graph the
core takes whole (the shipped models) is not cut. hwcnn/host.py runs the two ends.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from hwcnn.errors import HwcnnError
from hwcnn.hlsgen.aptype import quant_type
from hwcnn.hlsgen.tensors import constant
from hwcnn.host import digest
from hwcnn.operations import FLOAT_TAIL_OPS, HEAD_OPS, SHAPE_OPS, TAIL_OPS


@dataclass
class Split:
    """A graph cut at the core's boundaries: `head` and `tail` are QONNX graphs of their own (None
    where the core begins at the graph input or ends at its output)."""

    core: object
    head: object | None
    tail: object | None
    head_nodes: list
    tail_nodes: list
    model_input: str
    model_output: str

    @property
    def partition(self) -> dict:
        """What the hardware description and manifest record: the host's operations (QONNX node
        names, in QONNX's order) and the tensors where the core begins and ends."""
        g = self.core.graph
        record = {"host_pre": [{"op": n.op_type, "name": n.name} for n in self.head_nodes],
                  "core": {"inputs": [t.name for t in g.input], "outputs": [t.name for t in g.output]},
                  "host_post": [{"op": n.op_type, "name": n.name} for n in self.tail_nodes]}
        for side, graph in (("host_pre", self.head), ("host_post", self.tail)):
            if graph is not None:  # binds the project's host graph files to this description
                record[side + "_sha256"] = digest(graph)
        return record


def split(qmodel, input_exact: bool) -> Split:
    """Cut `qmodel` (a graph after hwcnn's qonnx passes) into head, core and tail; `input_exact`:
    whether the core's input type holds the graph input exactly (then there is no head)."""
    g = qmodel.graph
    head, tail = ([] if input_exact else _head_nodes(qmodel)), _tail_nodes(qmodel)
    start = head[-1].output[0] if head else g.input[0].name
    end = tail[0].input[_core_side(qmodel, tail[0])] if tail else g.output[0].name
    core = _extract(qmodel, start, end) if head or tail else qmodel
    return Split(core, _extract(qmodel, g.input[0].name, start) if head else None,
                 _extract(qmodel, end, g.output[0].name) if tail else None, head, tail,
                 g.input[0].name, g.output[0].name)


def _head_nodes(qmodel) -> list:
    """The chain from the graph input through shapes and constant arithmetic to the first
    quantizer of a power-of-two scale, inclusive; else []."""
    chain, tensor = [], qmodel.graph.input[0].name
    while True:
        readers = qmodel.find_consumers(tensor)
        if len(readers) != 1 or readers[0].input[0] != tensor:
            return []
        node = readers[0]
        if node.op_type == "Quant":
            # a quantizer of non-power-of-two scale keeps the core's own refusal (float scales: not yet)
            return [*chain, node] if quant_type(qmodel, node) is not None else []
        if node.op_type not in HEAD_OPS or not all(qmodel.get_initializer(t) is not None for t in node.input[1:]):
            return []
        chain.append(node)
        tensor = node.output[0]


def _core_side(qmodel, node) -> int:
    """The index of a tail node's one input that is not a constant."""
    return next(i for i, t in enumerate(node.input) if t and not constant(qmodel, t))


def _tail_nodes(qmodel) -> list:
    """The chain of float operations from the last tensor the core computes exactly to the graph
    output; [] where there is none (shapes and a quantized bias stay in the core)."""
    chain, node = [], qmodel.find_producer(qmodel.graph.output[0].name)
    graph_input = qmodel.graph.input[0].name
    while node is not None and node.op_type in TAIL_OPS:
        ins = [t for t in node.input if t and not constant(qmodel, t)]
        if len(ins) != 1 or ins[0] == graph_input:
            break
        chain.insert(0, node)
        if len(qmodel.find_consumers(ins[0])) != 1:
            break
        node = qmodel.find_producer(ins[0])
    while chain and (chain[0].op_type in SHAPE_OPS or _quantized_bias(qmodel, chain[0])):
        chain.pop(0)  # the core computes these exactly (hls4ml merges a quantized bias into its layer)
    return chain if any(n.op_type in FLOAT_TAIL_OPS for n in chain) else []


def _quantized_bias(qmodel, node) -> bool:
    """An Add of a Conv or MatMul result and a quantized constant: the layer's bias."""
    if node.op_type != "Add":
        return False
    producer = qmodel.find_producer(node.input[_core_side(qmodel, node)])
    other = [t for t in node.input if constant(qmodel, t)]
    return (getattr(producer, "op_type", None) in ("Conv", "MatMul") and len(other) == 1
            and qmodel.get_initializer(other[0]) is None)  # a Quant of an initializer, not a float one


def _extract(qmodel, start: str, end: str):
    """The subgraph from tensor `start` to tensor `end`, as a QONNX graph of its own: the nodes that
    `end` depends on, back to `start` and constants. (onnx.utils.Extractor would do, but it runs
    ONNX shape inference, which fails on graphs whose qonnx domain has no opset import.)"""
    import onnx
    from onnx import helper
    from qonnx.core.modelwrapper import ModelWrapper

    g = qmodel.graph
    producers = {t: n for n in g.node for t in n.output}
    inits = {i.name for i in g.initializer}
    wanted, todo, nodes = set(), [end], set()
    while todo:
        t = todo.pop()
        if t in wanted or t == start or t in inits or not t:
            continue
        wanted.add(t)
        node = producers.get(t)
        if node is None:
            raise HwcnnError(f"the host/core boundary at QONNX tensor {start} does not cut the graph: {t} comes "
                             "from outside it")
        if id(node) not in nodes:
            nodes.add(id(node))
            todo.extend(node.input)
    kept = [n for n in g.node if id(n) in nodes]
    used = {t for n in kept for t in n.input}

    def info(name):
        shape = qmodel.get_tensor_shape(name)
        if shape is None:
            raise HwcnnError(f"the host/core boundary at QONNX tensor {name} has no known shape")
        return helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, shape)

    graph = helper.make_graph(
        [copy.deepcopy(n) for n in kept], g.name, [info(start)], [info(end)],
        initializer=[copy.deepcopy(i) for i in g.initializer if i.name in used],
        value_info=[copy.deepcopy(vi) for vi in g.value_info if vi.name in wanted and vi.name not in (start, end)])
    graph.quantization_annotation.extend(copy.deepcopy(a) for a in g.quantization_annotation
                                         if a.tensor_name in used | wanted)
    model = helper.make_model(graph, opset_imports=list(qmodel.model.opset_import))
    model.ir_version = qmodel.model.ir_version
    return ModelWrapper(model)
