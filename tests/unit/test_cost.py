"""The cost model on small layers whose figures are worked out by hand (docs/cost-model.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hwcnn import cost


def _desc(layers):
    return {"format": 1, "layers": layers}


INPUT = {"name": "in", "kind": "Input", "inputs": ["x"], "output": "in_out", "shape": [3],
         "types": {"result": "ap_ufixed<4,0>"}, "weights": {}, "attrs": {}}
DENSE_W = np.array([[1, 0], [2, -3], [0, 0]])  # raw weights of fixed<4,1>: 3 of 6 are zero


def _dense(w_type="ap_fixed<4,1>"):
    return {"name": "fc", "kind": "Dense", "inputs": ["in_out"], "output": "fc_out", "shape": [2],
            "types": {"accum": "ap_fixed<12,4>", "result": "ap_fixed<12,4>", "weight": w_type,
                      "bias": "ap_fixed<8,4>"},
            "weights": {"weight": {"key": "w", "shape": [3, 2], "type": w_type},
                        "bias": {"key": "b", "shape": [2], "type": "ap_fixed<8,4>"}},
            "attrs": {"n_in": 3, "n_out": 2}}


def _row(rows, name):
    return next(r for r in rows if r["layer"] == name)


def test_dense_figures_by_hand():
    rows = cost.layer_costs(_desc([INPUT, _dense()]), {"w": DENSE_W, "b": np.array([1, 2])},
                            {"io_type": "io_parallel", "strategy": "Latency", "reuse_factor": 1})
    r = _row(rows, "fc")
    assert (r["macs"], r["nonzero_macs"]) == (cost.fig(6, "exact"), cost.fig(3, "exact"))
    assert r["weight_bits"] == cost.fig(6 * 4 + 2 * 8, "exact")
    # BOPs: 2 outputs x (half of 3 products of 4x4 bits + 3 terms of 4 + 4 + log2(3) bits)
    assert r["bops"] == cost.fig(round(2 * (0.5 * 3 * 16 + 3 * (8 + math.log2(3)))), "exact")
    assert r["multipliers"] == cost.fig(3, "exact")  # hls4ml's multiplier_limit: 6 products - 3 zeros
    assert r["dsp"] == cost.fig(0, "model")  # 4-bit operands: LUTs
    # no da4ml figure given: 4-bit inputs times weights of 1, 2 and 2 significant bits, and 3 adders of 12 bits
    assert r["lut"] == cost.fig(4 * (1 + 2 + 2) + 3 * 12, "model")
    assert r["ff"] == cost.fig(3 * (4 + 4) + 2 * 12, "model")  # the products and the outputs
    assert r["bram18"] == cost.fig(0, "model")
    assert (r["ii"], r["latency_cycles"]) == (cost.fig(1, "model"), cost.fig(1 + 2, "model"))


def test_reuse_factor_resource_strategy_and_wide_operands():
    hls = {"io_type": "io_parallel", "strategy": "Resource", "reuse_factor": 4}
    wide = np.array([[100, 0], [64, -40], [0, 3]])  # 7, 7, 6 and 2 significant bits
    rows = cost.layer_costs(_desc([{**INPUT, "types": {"result": "ap_fixed<16,6>"}}, _dense("ap_fixed<16,6>")]),
                            {"w": wide, "b": np.array([1, 2])}, hls)
    r = _row(rows, "fc")
    assert r["multipliers"]["value"] == math.ceil(6 / 4) - 2 // 4
    assert r["dsp"]["value"] == math.ceil(3 / 4)  # 16-bit inputs times the three weights of 6 bits or more
    # one general 16 x 16 multiplier in LUTs for the 2-bit weight's products, an adder per multiplier
    assert r["lut"]["value"] == 1 * 16 * 16 + 2 * 12
    # weights in block RAM: 4 deep (the reuse factor), 2 weights of 16 bits = 32 bits wide: one 512x36 block
    assert r["bram18"]["value"] == 1
    assert r["ii"]["value"] == 4
    two = cost.layer_costs(_desc([INPUT, _dense()]), {"w": DENSE_W, "b": np.array([1, 2])}, {**hls, "reuse_factor": 2})
    assert _row(two, "fc")["bram18"]["value"] == 0  # two deep: registers


def test_latency_with_a_reuse_factor_reads_its_weights_from_a_rom():
    rows = cost.layer_costs(_desc([INPUT, _dense()]), {"w": DENSE_W, "b": np.array([1, 2])},
                            {"io_type": "io_parallel", "strategy": "Latency", "reuse_factor": 2})
    r = _row(rows, "fc")
    mults = math.ceil(6 / 2) - 3 // 2  # 2
    # ceil(3 LUT-mapped products / 2) general 4 x 4 multipliers, an adder each, 2 ROMs of 4 bits 2 deep
    assert r["lut"] == cost.fig(math.ceil(3 / 2) * 4 * 4 + mults * 12 + mults * 4 * 1, "model")
    assert r["bram18"]["value"] == 0  # Latency: no block RAM


def test_convolution_stream_figures_by_hand():
    conv = {"name": "conv", "kind": "Conv2D", "inputs": ["in_out"], "output": "conv_out", "shape": [2, 2, 2],
            "types": {"accum": "ap_fixed<12,5>", "result": "ap_fixed<12,5>", "weight": "ap_fixed<4,1>"},
            "weights": {"weight": {"key": "w", "shape": [3, 3, 1, 2], "type": "ap_fixed<4,1>"}},
            "attrs": {"in_height": 4, "in_width": 4, "n_chan": 1, "filt_height": 3, "filt_width": 3, "n_filt": 2,
                      "stride_height": 1, "stride_width": 1, "pad_top": 0, "pad_bottom": 0, "pad_left": 0,
                      "pad_right": 0, "out_height": 2, "out_width": 2}}
    inp = {**INPUT, "shape": [4, 4, 1], "types": {"result": "ap_ufixed<8,0>"}}
    w = np.ones((3, 3, 1, 2), dtype=np.int64)
    rows = cost.layer_costs(_desc([inp, conv]), {"w": w}, {"io_type": "io_stream", "reuse_factor": 1})
    r = _row(rows, "conv")
    assert r["macs"]["value"] == 2 * 2 * 18
    assert r["ii"]["value"] == 16  # one input pixel per cycle
    assert r["latency_cycles"]["value"] == (2 * 4 + 3) + math.ceil(math.log2(9))  # line buffers fill, adder tree
    # output FIFO: 4 pixels of 2 x 12 bits = 96 bits, in shift registers; line buffers: 2 rows x 8 bits, 4 deep
    assert r["lutram"]["value"] == 24 + 2 * 8
    assert r["bram18"]["value"] == 0
    assert r["ff"]["value"] == 18 * (8 + 4) + 2 * 12 + 9 * 8  # products, kernel outputs and the window


def test_memories_and_fifos():
    assert cost.bram18_for(784, 84) == 5  # 1024 x 18 blocks, 5 side by side
    assert cost.bram18_for(1, 1) == 1
    assert cost.bram18_for(0, 8) == 0
    assert cost.fifo_cost(2, 500) == (0, 0, 1000)  # at most two deep: registers
    assert cost.fifo_cost(32, 32) == (0, 32, 0)  # 1024 bits: shift registers, one LUT per bit lane
    assert cost.fifo_cost(33, 32) == (cost.bram18_for(33, 32), 0, 0)


def test_totals_sources_and_network_timing():
    rows = [{"layer": "a", "lut": cost.fig(10, "da4ml"), "ii": cost.fig(100, "model"),
             "latency_cycles": cost.fig(5, "model")},
            {"layer": "b", "lut": cost.fig(3, "model"), "ii": cost.fig(20, "model"),
             "latency_cycles": cost.fig(7, "model")}]
    t = cost.totals(rows)
    assert t["lut"] == cost.fig(13, "da4ml+model")
    assert t["ii"]["value"] == 100
    assert t["latency_cycles"]["value"] == max(0 + 100, 5 + 20, 5 + 7)  # streaming layers overlap
    assert cost.totals(rows, io_stream=False)["latency_cycles"]["value"] == 12


def test_board_use():
    total = {"lut": cost.fig(100, "model"), "lutram": cost.fig(20, "model"), "ff": cost.fig(50, "model"),
             "dsp": cost.fig(0, "model"), "bram18": cost.fig(3, "model")}
    use = cost.board_use(total, {"lut": 100, "ff": 100, "dsp": 10, "bram18": 3})
    assert use["fraction"] == pytest.approx({"lut": 1.2, "ff": 0.5, "dsp": 0.0, "bram18": 1.0})
    assert use["fits"] is False  # LUTs and LUTRAM share the LUTs


def test_da4ml_lut_replaces_the_model_only_where_the_kernel_is_unrolled():
    w = {"w": DENSE_W, "b": np.array([1, 2])}
    desc = _desc([INPUT, _dense()])
    unrolled = cost.layer_costs(desc, w, {"strategy": "Latency", "reuse_factor": 1}, da4ml_luts={"fc": 17.0})
    assert _row(unrolled, "fc")["lut"] == cost.fig(17.0, "da4ml")
    shared = cost.layer_costs(desc, w, {"strategy": "Latency", "reuse_factor": 2}, da4ml_luts={"fc": 17.0})
    assert _row(shared, "fc")["lut"]["source"] == "model"


def _window_kernel_writes(a: dict) -> tuple[list[tuple[int, int]], int]:
    """The outputs hls/nnet_utils/hwcnn_pooling.h writes, in order, and its loop iterations, by its own loop
    conditions (main pass, RowTail, ImageTail)."""
    H, W, ph, pw, sh, sw = (a[k] for k in ("in_height", "in_width", "pool_height", "pool_width", "stride_height",
                                            "stride_width"))
    OH, OW, pt, pl = a["out_height"], a["out_width"], a["pad_top"], a["pad_left"]
    last_oh = 0 if H + pt <= ph else -(-(H + pt - ph) // sh)
    last_ow = 0 if W + pl <= pw else -(-(W + pl - pw) // sw)
    writes, steps = [], 0
    for h in range(H):
        t = h + 1 + pt - ph
        oh = last_oh if h + 1 == H else (t // sh if t >= 0 and t % sh == 0 else -1)
        row_ends = 0 <= oh < OH
        for w in range(W):
            steps += 1
            u = w + 1 + pl - pw
            ow = last_ow if w + 1 == W else (u // sw if u >= 0 and u % sw == 0 else -1)
            if row_ends and 0 <= ow < OW:
                writes.append((oh, ow))
        if row_ends:
            for ow in range(last_ow + 1, OW):
                steps += 1
                writes.append((oh, ow))
    for oh in range(last_oh + 1, OH):
        for ow in range(OW):
            steps += 1
            writes.append((oh, ow))
    return writes, steps


@pytest.mark.parametrize("size,k,s,pad,ceil", [(30, 3, 2, 0, True), (15, 3, 1, 1, False), (15, 2, 2, 0, True),
                                               (16, 3, 2, 0, False), (54, 3, 2, 0, True), (13, 3, 2, 1, True),
                                               (9, 5, 2, 2, False)])
def test_window_pooling_writes_every_output_once_in_raster_order_and_its_cycles(size, k, s, pad, ceil):
    from hwcnn.layers import pool_output_dim

    out = pool_output_dim(size, k, s, pad, pad, int(ceil))
    end_pad = (out - 1) * s + k - size - pad  # ceil mode as end padding (hwcnn.qonnx_transforms.MaxPoolCeilToPads)
    a = {"in_height": size, "in_width": size, "pool_height": k, "pool_width": k, "stride_height": s,
         "stride_width": s, "out_height": out, "out_width": out, "pad_top": pad, "pad_left": pad,
         "pad_bottom": end_pad, "pad_right": end_pad, "hwcnn_window": True}
    writes, steps = _window_kernel_writes(a)
    assert writes == [(i, j) for i in range(out) for j in range(out)]
    assert cost.window_pool_timing(a)[0] == steps
