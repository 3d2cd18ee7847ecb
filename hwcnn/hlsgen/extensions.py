"""hwcnn's extensions of hls4ml 1.3.0, through its own extension points (handlers, passes, flows).

`register()` installs them once per process; `convert` calls it before every conversion.
"""

from __future__ import annotations

from hwcnn.errors import HwcnnError
from hwcnn.layers import Kind

_REGISTERED = False


def parse_reduce_mean(node, input_names, input_shapes, graph):
    """ONNX ReduceMean over H and W of a channels-last [N, H, W, C] tensor -> GlobalAveragePooling2D.

    Works around: hls4ml has no ReduceMean handler (Brevitas exports AdaptiveAvgPool2d(1) as one),
    and its GlobalAveragePool handler reads NCHW shape fields even on a channels-last graph.
    `ChannelsLastGlobalAveragePool` (qonnx_transforms.py) produces exactly this form.
    """
    from hls4ml.converters.onnx_to_hls import get_constant_value, get_onnx_attribute

    shape = input_shapes[0]
    axes = sorted(int(a) % 4 for a in get_constant_value(graph, node.input[1])) if len(node.input) > 1 else None
    if len(shape) != 4 or axes != [1, 2] or get_onnx_attribute(node, "keepdims", 1) != 0:
        raise HwcnnError(f"ReduceMean {node.name}: hwcnn maps only the mean over H and W of a channels-last "
                         f"4-D tensor without kept dimensions (got shape {shape}, axes {axes})")
    _, height, width, channels = shape
    return {
        "name": node.name,
        "class_name": "GlobalAveragePooling2D",
        "inputs": input_names,  # the axes Constant stays connected until `GlobalPoolingAxesConstant` drops it
        "outputs": list(node.output),
        "data_format": "channels_last",
        "n_filt": channels,
        "in_height": height,
        "in_width": width,
    }


def parse_exact_scale(node, input_names, input_shapes, graph):
    """hwcnn's ExactScale (the float scales of a sum of products, hwcnn/qonnx_ext.py) -> an ApplyAlpha
    of its scale per channel: hls4ml folds it with the batch norm or constant arithmetic after it,
    and hwcnn's type rule then computes the quantizer after them from ExactScale itself (exactly,
    through hwcnn/hlsgen/affine.py), never from this float scale.

    Works around: hls4ml has no such operation; its own handling of float Quant scales (ApplyAlpha
    layers in fixed<32,16>) computes another function."""
    import numpy as np
    from hls4ml.converters.onnx_to_hls import get_onnx_attribute

    shape = input_shapes[0]
    channels = shape[-1]
    scale = np.float32(get_onnx_attribute(node, "scale_a")) * np.asarray(get_onnx_attribute(node, "scale_w"),
                                                                         dtype=np.float32)
    return {"name": node.name, "class_name": "ApplyAlpha", "inputs": input_names[:1], "outputs": list(node.output),
            "n_in": int(np.prod(shape[1:])), "n_filt": channels if len(shape) > 2 else -1,
            "scale_data": np.broadcast_to(scale, (channels,)).astype(np.float64),
            "bias_data": np.zeros(channels), "scale_precision": None, "scale_quantizer": None,
            "bias_precision": None, "bias_quantizer": None}


def _axes_constant_pass():
    from hls4ml.model.layers import Constant, GlobalPooling2D
    from hls4ml.model.optimizer import OptimizerPass

    class GlobalPoolingAxesConstant(OptimizerPass):
        """Drop the axes Constant of a ReduceMean-born GlobalPooling2D.

        Works around: hls4ml turns every ONNX initializer into a Constant layer; the axes (an
        input since ONNX opset 18) would be left as an input-less Constant that nothing reads
        (hls4ml's ReshapeConstant does the same for Reshape's shape input)."""

        def match(self, node):
            return isinstance(node, GlobalPooling2D) and len(node.inputs) > 1

        def transform(self, model, node):
            const = node.get_input_node(node.inputs[1])
            node.inputs = node.inputs[:1]
            if isinstance(const, Constant):
                model.remove_node(const)
            return True

    return GlobalPoolingAxesConstant


def register() -> None:
    """Install hwcnn's handler and pass into hls4ml (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return
    from hls4ml.converters.onnx_to_hls import register_onnx_layer_handler
    from hls4ml.model.flow import update_flow
    from hls4ml.model.optimizer import register_pass

    from hwcnn.hlsgen import multithreshold, pooling

    register_onnx_layer_handler("ReduceMean", parse_reduce_mean)
    register_onnx_layer_handler("ExactScale", parse_exact_scale)
    multithreshold.register()
    pooling.register()
    register_pass("hwcnn_global_pooling_axes_constant", _axes_constant_pass())
    update_flow("parse_qonnx", add_optimizers=["hwcnn_global_pooling_axes_constant"])
    _REGISTERED = True


def render_templates(hm) -> None:
    """Render the layers' C++ config and call templates again, after hwcnn set the types.

    Works around: hls4ml 1.3.0 renders them during conversion (its apply_templates flows), so a
    type hwcnn gives a name of its own and the product a changed weight type selects
    (FPGABackend.product_type) would otherwise not reach the C++."""
    backend = hm.config.backend.name.lower()
    flows = {"vitis": ["vitis:apply_templates", "vivado:apply_templates"],
             "vivadoaccelerator": ["vivado:apply_templates"]}.get(backend, [f"{backend}:apply_templates"])
    for flow in flows:  # the order of the backend's own ip flow
        hm.apply_flow(flow, reapply="single")


def check_kernel_limits(hm) -> None:
    """Refuse what hls4ml's Resource convolutions assert on at run time.

    Works around: nnet_conv2d_resource.h (io_parallel) asserts reuse factor <= filt_height *
    filt_width * n_chan, after hls4ml has accepted a larger one as valid for the kernel's matrix;
    a failed assert in C simulation aborts the process that loaded the library."""
    if hm.config.get_config_value("IOType") != "io_parallel":
        return
    for layer in hm.get_layers():
        kind = Kind.of(layer.class_name, f"layer {layer.name}")  # as the type analysis refuses any other next
        if not kind.is_conv or str(layer.get_attr("strategy", "")).lower() != "resource":  # 1x1 ones call the same code
            continue
        window = layer.get_attr("filt_height", 1) * layer.get_attr("filt_width") * layer.get_attr("n_chan")
        if layer.get_attr("reuse_factor") > window:
            raise HwcnnError(f"layer {layer.name}: hls4ml's io_parallel Resource convolution needs a reuse factor of at "
                             f"most its window's {window} inputs (it has {layer.get_attr('reuse_factor')}); use a "
                             f"smaller --reuse-factor (--layer-setting {layer.name}.reuse_factor=N), io_stream, or "
                             "the Latency strategy")


def check_stream_limits(hm) -> None:
    """Refuse what hls4ml's io_stream code asserts on at run time, before anything is compiled.

    Works around: nnet_pooling_stream.h asserts no padding (and pool size == stride); hwcnn's 2-D
    window pooling (hwcnn/hlsgen/pooling.py) lifts both for max pools (a padded average is refused in
    the precision pass), 1-D pooling keeps hls4ml's limits. A failed assert in C simulation aborts
    the whole Python process that loaded the library."""
    if hm.config.get_config_value("IOType") != "io_stream":
        return
    for layer in hm.get_layers():
        if layer.class_name != "Pooling1D":
            continue
        pads = [layer.get_attr(k, 0) for k in ("pad_left", "pad_right")]
        if any(pads):
            raise HwcnnError(f"layer {layer.name}: hls4ml's io_stream 1-D pooling takes no padding (got pads "
                             f"{pads}); pool without padding or use io_parallel")
