"""io_stream pooling hls4ml 1.3.0 lacks, as hls4ml templates of hwcnn's C++ (hls/nnet_utils/hwcnn_pooling.h).

- Windows whose stride differs from their size (SqueezeNet's overlapping 3x3/2 max pools), and
  padded max pools (ceil mode arrives as end padding: qonnx_transforms.MaxPoolCeilToPads). Works
  around: nnet_pooling_stream.h asserts pool size == stride and no padding.
- A global average over an area that is not a power of two, followed by its quantizer. Works around:
  hls4ml divides in accum_t (truncating) and the quantizer rounds again, so the result is not the QAT
  model's round(S / n). hwcnn multiplies the sum by a reciprocal (hwcnn/average.py) proven on every
  sum the input can reach.

Both keep hls4ml's own layers (Pooling2D, GlobalPooling2D) and config; a layer marked by
`mark_window` / `mark_rounded` gets hwcnn's function (its templates are registered after hls4ml's,
so they render last).
"""

from __future__ import annotations

from pathlib import Path

from hwcnn.average import Reciprocal, reciprocal_of
from hwcnn.fixed import FixedType, Overflow, Rounding
from hwcnn.layers import WINDOW_POOLING

HEADER = Path(__file__).resolve().parent.parent / "hls_files" / "nnet_utils" / "hwcnn_pooling.h"
INCLUDE = "nnet_utils/hwcnn_pooling.h"

_ROUNDED_CONFIG = """struct config{index} : nnet::pooling2d_config {{
    static const unsigned in_height = {in_height};
    static const unsigned in_width = {in_width};
    static const unsigned n_filt = {n_filt};
    static const nnet::Pool_Op pool_op = nnet::{pool_op};
    static const unsigned reuse_factor = {reuse};
    typedef {accum_t.name} accum_t;
    typedef {reciprocal_type} reciprocal_t;
    typedef {half_type} half_t;
    typedef {floor_type} floor_t;
    static const reciprocal_t reciprocal;
    static const half_t half;
}};
const config{index}::reciprocal_t config{index}::reciprocal = {reciprocal_value};
const config{index}::half_t config{index}::half = {half_value};\n"""
_WINDOW_CALL = "nnet::pooling2d_window_cl<{input_t}, {output_t}, {config}>({input}, {output});"
_ROUNDED_CALL = "nnet::global_pooling2d_rounded_cl<{input_t}, {output_t}, {config}>({input}, {output});"


def mark_window(layer) -> None:
    layer.set_attr(WINDOW_POOLING, True)


def mark_rounded(layer, rec: Reciprocal, out: FixedType) -> None:
    """Plain ints in the layer's attributes: the hardware description carries them to the simulator."""
    layer.set_attr("reciprocal_m", rec.m)
    layer.set_attr("reciprocal_k", rec.k)
    layer.set_attr("reciprocal_shift", rec.shift)
    layer.set_attr("hwcnn_floor", FixedType(out.width, out.integer, out.signed, Rounding.TRN, Overflow.SAT))


def register() -> None:
    import hls4ml
    from hls4ml.backends.template import FunctionCallTemplate, LayerConfigTemplate
    from hls4ml.model.layers import GlobalPooling2D, Pooling2D

    class WindowPoolingFunctionTemplate(FunctionCallTemplate):
        def __init__(self):
            super().__init__(Pooling2D, include_header=["nnet_utils/nnet_pooling_stream.h", INCLUDE])
            self.name = "hwcnn_window_pooling_function_template"

        def match(self, node):
            return super().match(node) and bool(node.get_attr(WINDOW_POOLING))

        def format(self, node):
            return _WINDOW_CALL.format(**self._default_function_params(node))

    class RoundedAverageConfigTemplate(LayerConfigTemplate):
        def __init__(self):
            super().__init__(GlobalPooling2D)
            self.name = "hwcnn_rounded_average_config_template"

        def match(self, node):
            return super().match(node) and node.get_attr("reciprocal_m") is not None

        def format(self, node):
            rec = reciprocal_of(node.attributes)
            params = self._default_config_params(node)
            floor_t: FixedType = node.get_attr("hwcnn_floor")
            half = FixedType(1, -floor_t.frac, False)  # holds 2^-(frac + 1): half a result lsb
            params.update(reciprocal_type=rec.type.ap(), reciprocal_value=repr(rec.m / 2.0**rec.k),
                          half_type=half.ap(), half_value=repr(2.0 ** -(floor_t.frac + 1)), floor_type=floor_t.ap())
            return _ROUNDED_CONFIG.format(**params)

    class RoundedAverageFunctionTemplate(FunctionCallTemplate):
        def __init__(self):
            super().__init__(GlobalPooling2D, include_header=["nnet_utils/nnet_pooling_stream.h", INCLUDE])
            self.name = "hwcnn_rounded_average_function_template"

        def match(self, node):
            return super().match(node) and node.get_attr("reciprocal_m") is not None

        def format(self, node):
            return _ROUNDED_CALL.format(**self._default_function_params(node))

    for name in ("Vivado", "Vitis"):
        backend = hls4ml.backends.get_backend(name)
        for template in (WindowPoolingFunctionTemplate, RoundedAverageConfigTemplate, RoundedAverageFunctionTemplate):
            backend.register_template(template)
        backend.register_source(HEADER)
