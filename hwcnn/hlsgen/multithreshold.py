"""hls4ml layers of thresholds (hwcnn/thresholds.py): `MultiThreshold`, a quantized monotonic
activation, and `ChannelThreshold`, a batch norm or scaling and its quantizer, per channel.

Works around: hls4ml 1.3.0's tanh and sigmoid are lookup tables indexed by the input truncated onto
a fixed grid (nnet_activation.h), so a Brevitas QuantTanh/QuantSigmoid model and its hls4ml core
agree on almost no outputs; and its BatchNormalization computes x * scale + bias, which for some
float32 batch norms no fixed-point scale and bias make exact. hwcnn adds the layers through
hls4ml's extension points (register_layer, the backend's templates and custom source) and puts one
in place of such an Activation or BatchNormalization after conversion, once the precision analysis
knows its input type and range.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hwcnn.fixed import FixedType
from hwcnn.hlsgen.aptype import hls_precision
from hwcnn.layers import Kind
from hwcnn.thresholds import Thresholds

HEADER = Path(__file__).resolve().parent.parent / "hls_files" / "nnet_utils" / "hwcnn_multithreshold.h"
INCLUDE = "nnet_utils/hwcnn_multithreshold.h"

_CONFIG = """struct config{index} : nnet::multithreshold_config {{
    static const unsigned n_in = {n_in};
    static const unsigned n_thresholds = {n_thresholds};
    static const int base = {base};
    static const unsigned io_type = nnet::{iotype};
    static const unsigned reuse_factor = {reuse};
    typedef {thresholds_t.name} threshold_t;
}};\n"""
_CALL = "nnet::multithreshold<{input_t}, {output_t}, {config}>({input}, {output}, {thresholds});"

CHANNEL_HEADER = HEADER.parent / "hwcnn_channelthreshold.h"
CHANNEL_INCLUDE = "nnet_utils/hwcnn_channelthreshold.h"
_CHANNEL_CONFIG = """struct config{index} : nnet::channelthreshold_config {{
    static const unsigned n_in = {n_in};
    static const unsigned n_chan = {n_chan};
    static const unsigned n_thresholds = {n_thresholds};
    static const unsigned io_type = nnet::{iotype};
    static const unsigned reuse_factor = {reuse};
    typedef {thresholds_t.name} threshold_t;
    typedef {base_t.name} base_t;
    typedef {step_t.name} step_t;
}};\n"""
_CHANNEL_CALL = ("nnet::channelthreshold<{input_t}, {output_t}, {config}>({input}, {output}, {thresholds}, {base}, "
                 "{step});")

_CLASSES = {}


def layer_class():
    """The hls4ml Layer subclass (built once hls4ml is imported)."""
    if "layer" not in _CLASSES:
        from hls4ml.model.layers import Layer
        from hls4ml.model.attributes import Attribute, WeightAttribute, TypeAttribute

        class MultiThreshold(Layer):
            """out = base + #(thresholds <= x), the thresholds in the input's type."""
            _expected_attributes = [Attribute("n_in"), Attribute("n_thresholds"), Attribute("base"),
                                    Attribute("activation", value_type=str), WeightAttribute("thresholds"),
                                    TypeAttribute("thresholds")]

            def initialize(self):
                self.add_output_variable(self.get_input_variable().shape)
                self.add_weights_variable(name="thresholds", var_name="t{index}")

        class ChannelThreshold(Layer):
            """Channel c: out = base[c] + step[c] * #(thresholds[c] <= x), the thresholds in the input's type."""
            _expected_attributes = [Attribute("n_in"), Attribute("n_chan"), Attribute("n_thresholds"),
                                    Attribute("source", value_type=str), WeightAttribute("thresholds"),
                                    WeightAttribute("base"), WeightAttribute("step"), TypeAttribute("thresholds"),
                                    TypeAttribute("base"), TypeAttribute("step")]

            def initialize(self):
                self.add_output_variable(self.get_input_variable().shape)
                self.add_weights_variable(name="thresholds", var_name="t{index}")
                self.add_weights_variable(name="base", var_name="tb{index}")
                self.add_weights_variable(name="step", var_name="ts{index}")

        _CLASSES["layer"] = MultiThreshold
        _CLASSES["channel"] = ChannelThreshold
    return _CLASSES["layer"]


def channel_class():
    """The hls4ml Layer subclass of per-channel thresholds (built once hls4ml is imported)."""
    layer_class()
    return _CLASSES["channel"]


def _templates(cls, config: str, call: str, include: str, weights: tuple[str, ...]) -> tuple[type, type]:
    """hls4ml's config and function-call templates of one of these layers (their names come from `cls`)."""
    from hls4ml.backends.template import FunctionCallTemplate, LayerConfigTemplate

    class ConfigTemplate(LayerConfigTemplate):
        def __init__(self):
            super().__init__(cls)

        def format(self, node):
            return config.format(**self._default_config_params(node))

    class FunctionTemplate(FunctionCallTemplate):
        def __init__(self):
            super().__init__(cls, include_header=[include])

        def format(self, node):
            params = self._default_function_params(node)
            params.update({w: node.get_weights(w).name for w in weights})
            return call.format(**params)

    return ConfigTemplate, FunctionTemplate


def register() -> None:
    """The layers, their config and call templates and their C++ headers, for hls4ml's Vivado/Vitis backends."""
    import hls4ml
    from hls4ml.model.layers import register_layer

    register_layer(Kind.MULTI_THRESHOLD.value, layer_class())
    register_layer(Kind.CHANNEL_THRESHOLD.value, channel_class())
    layers = [(_templates(layer_class(), _CONFIG, _CALL, INCLUDE, ("thresholds",)), HEADER),
              (_templates(channel_class(), _CHANNEL_CONFIG, _CHANNEL_CALL, CHANNEL_INCLUDE,
                          ("thresholds", "base", "step")), CHANNEL_HEADER)]
    for name in ("Vivado", "Vitis"):
        backend = hls4ml.backends.get_backend(name)
        for templates, header in layers:
            for template in templates:
                backend.register_template(template)
            backend.register_source(header)


def replace(hm, layer, fn: str, th: Thresholds, in_type: FixedType, out_type: FixedType):
    """Put a MultiThreshold in place of the Activation `layer` (same name, inputs and outputs); return it.
    Its types: thresholds `in_type`, result `out_type` (the quantizer's)."""
    attrs = {"n_in": layer.get_attr("n_in"), "n_thresholds": len(th.thresholds), "base": int(th.base),
             "activation": fn, "thresholds_data": th.thresholds * in_type.lsb,
             "reuse_factor": layer.get_attr("reuse_factor", 1), "trace": layer.get_attr("trace", False)}
    node = hm.make_node(layer_class(), layer.name, attrs, list(layer.inputs), list(layer.outputs))
    node.get_output_variable().type.precision = hls_precision(out_type)  # a type TransformTypes can take
    node.weights["thresholds"].type.precision = hls_precision(in_type)
    return _in_place(hm, layer, node)


def _in_place(hm, layer, node):
    """`node` in place of `layer` in the ModelGraph, typed by hls4ml's backend as every other layer."""
    from hls4ml.backends.vivado.passes.transform_types import TransformTypes

    TransformTypes().transform(hm, node)  # hls4ml's backend types, as its flows gave every other layer
    for name in node.outputs:  # the replaced layer's own output variable: later layers may alias its name
        var = layer.get_output_variable(name)
        node.set_attr(name, var)
        hm.output_vars[name] = var
    hm.replace_node(layer, node)
    return node


def replace_channels(hm, layer, source: str, n_chan: int, n_thresholds: int, types: dict[str, FixedType]):
    """Put a ChannelThreshold in place of the BatchNormalization `layer` (same name, inputs and
    outputs; hls4ml's ApplyAlpha is one too) and return it; `types`: thresholds, base, step, result.
    The precision pass then sets its weights."""
    attrs = {"n_in": layer.get_attr("n_in"), "n_chan": n_chan, "n_thresholds": n_thresholds, "source": source,
             "thresholds_data": np.zeros(n_chan * n_thresholds), "base_data": np.zeros(n_chan),
             "step_data": np.ones(n_chan), "reuse_factor": layer.get_attr("reuse_factor", 1),
             "trace": layer.get_attr("trace", False)}
    node = hm.make_node(channel_class(), layer.name, attrs, list(layer.inputs), list(layer.outputs))
    node.get_output_variable().type.precision = hls_precision(types["result"])
    for w in ("thresholds", "base", "step"):
        node.weights[w].type.precision = hls_precision(types[w])
    return _in_place(hm, layer, node)
