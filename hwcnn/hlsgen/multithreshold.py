"""hls4ml layer `MultiThreshold`: a quantized monotonic activation as thresholds (hwcnn/thresholds.py).

Works around: hls4ml 1.3.0's tanh and sigmoid are lookup tables indexed by the input truncated onto
a fixed grid (nnet_activation.h), so a Brevitas QuantTanh/QuantSigmoid model and its hls4ml core
agree on almost no outputs. hwcnn adds the layer through hls4ml's extension points (register_layer,
the backend's templates and custom source) and puts it in place of such an Activation after
conversion, once the precision analysis knows the activation's input type and range.
"""

from __future__ import annotations

from pathlib import Path

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

        _CLASSES["layer"] = MultiThreshold
    return _CLASSES["layer"]


def register() -> None:
    """The layer, its config and call templates and its C++ header, for hls4ml's Vivado/Vitis backends."""
    import hls4ml
    from hls4ml.backends.template import FunctionCallTemplate, LayerConfigTemplate
    from hls4ml.model.layers import register_layer

    cls = layer_class()
    register_layer(Kind.MULTI_THRESHOLD.value, cls)

    class MultiThresholdConfigTemplate(LayerConfigTemplate):
        def __init__(self):
            super().__init__(cls)

        def format(self, node):
            return _CONFIG.format(**self._default_config_params(node))

    class MultiThresholdFunctionTemplate(FunctionCallTemplate):
        def __init__(self):
            super().__init__(cls, include_header=[INCLUDE])

        def format(self, node):
            params = self._default_function_params(node)
            params["thresholds"] = node.get_weights("thresholds").name
            return _CALL.format(**params)

    for name in ("Vivado", "Vitis"):
        backend = hls4ml.backends.get_backend(name)
        backend.register_template(MultiThresholdConfigTemplate)
        backend.register_template(MultiThresholdFunctionTemplate)
        backend.register_source(HEADER)


def replace(hm, layer, fn: str, th: Thresholds, in_type: FixedType, out_type: FixedType):
    """Put a MultiThreshold in place of the Activation `layer` (same name, inputs and outputs); return it.
    Its types: thresholds `in_type`, result `out_type` (the quantizer's)."""
    from hls4ml.backends.vivado.passes.transform_types import TransformTypes

    attrs = {"n_in": layer.get_attr("n_in"), "n_thresholds": len(th.thresholds), "base": int(th.base),
             "activation": fn, "thresholds_data": th.thresholds * in_type.lsb,
             "reuse_factor": layer.get_attr("reuse_factor", 1), "trace": layer.get_attr("trace", False)}
    node = hm.make_node(layer_class(), layer.name, attrs, list(layer.inputs), list(layer.outputs))
    node.get_output_variable().type.precision = hls_precision(out_type)  # a type TransformTypes can take
    node.weights["thresholds"].type.precision = hls_precision(in_type)
    TransformTypes().transform(hm, node)  # hls4ml's backend types, as its flows gave every other layer
    for name in node.outputs:  # the activation's own output variable: later layers may alias its name
        var = layer.get_output_variable(name)
        node.set_attr(name, var)
        hm.output_vars[name] = var
    hm.replace_node(layer, node)
    return node
