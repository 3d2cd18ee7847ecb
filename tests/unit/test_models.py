"""Models: shapes, power-of-two quantizers, exact input encoding, configs and their errors."""

from __future__ import annotations

import json
import math
import warnings

import pytest
import torch

from hwcnn.cli import main
from hwcnn.config import (LayerBits, ModelConfig, ModelDirConfig, QuantConfig, TrainConfig, from_dict,
                          to_dict)
from hwcnn.errors import HwcnnError
from hwcnn.models import build_model, load_model_dir, load_weights
from hwcnn.models.squeezenet import PRESETS, table

ARCHS = [("lenet5", "modern", 1), ("lenet5", "classic", 1),
         ("squeezenet", "squeezenet-mnist", 1), ("squeezenet", "squeezenet-cifar", 3)]
QUANTS = [None, QuantConfig(2, 2), QuantConfig(4, 4), QuantConfig(8, 8, input_bits=8)]


def images(n: int, channels: int, seed: int = 0) -> torch.Tensor:
    """Random pixel values k/256, the shared input encoding."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (n, channels, 32, 32), generator=g) / 256


@pytest.mark.parametrize("arch,variant,channels", ARCHS)
@pytest.mark.parametrize("quant", QUANTS, ids=["float", "w2a2", "w4a4", "w8a8"])
def test_shapes_train_and_eval(arch, variant, channels, quant):
    torch.manual_seed(0)
    model = build_model(ModelConfig(arch, variant, in_channels=channels, num_classes=10, quant=quant))
    x = images(4, channels)
    model.train()
    out = model(x)
    out.sum().backward()
    model.eval()
    with torch.no_grad():
        out = model(x)
    assert type(out) is torch.Tensor and out.shape == (4, 10)
    assert torch.isfinite(out).all()


def test_lenet5_module_names():
    model = build_model(ModelConfig("lenet5", "modern", quant=QuantConfig(4, 4)))
    assert list(dict(model.named_children())) == [
        "input_quant", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "conv3", "relu3",
        "flatten", "fc1", "relu4", "fc2"]
    assert model.layer_names == ("conv1", "conv2", "conv3", "fc1", "fc2")
    float_model = build_model(ModelConfig("lenet5", "modern"))
    assert list(dict(float_model.named_children())) == list(dict(model.named_children()))
    assert sum(p.numel() for p in float_model.parameters()) == 61706  # LeNet-5 with a 10-way output


def test_squeezenet_table_follows_metaparameters():
    rows = table(PRESETS["squeezenet-mnist"])
    assert [r.name for r in rows] == ["conv1", "pool1", "fire2", "fire3", "pool3", "fire4", "fire5"]
    fire4 = rows[5]
    assert (fire4.squeeze, fire4.expand1x1, fire4.expand3x3) == (16, 32, 32)  # e = base_e + incr_e
    sizes = {preset: sum(p.numel() for p in build_model(ModelConfig("squeezenet", preset, in_channels=3,
                                                                    num_classes=1000 if imagenet(preset) else 10)
                                                        ).parameters()) for preset in PRESETS}
    assert sizes["squeezenet1.0"] == 1_248_424  # the reference implementation's SqueezeNet 1.0
    assert sizes["squeezenet1.1"] == 1_235_496  # and 1.1
    for preset, n in sizes.items():
        assert 10_000 < n < 200_000 or preset in ("squeezenet1.0", "squeezenet1.1"), (preset, n)


def imagenet(preset: str) -> bool:
    return preset.startswith("squeezenet1.")


def test_squeezenet10_is_the_papers_at_224():
    """conv1 96@7x7/2, max pools 3x3/2 in ceil mode after conv1, fire4, fire8: 224 -> 109 -> 54 -> 27 -> 13."""
    from hwcnn.models.squeezenet import final_side

    spec = PRESETS["squeezenet1.0"]
    rows = table(spec)
    assert [r.name for r in rows] == ["conv1", "pool1", "fire2", "fire3", "fire4", "pool4", "fire5", "fire6", "fire7",
                                      "fire8", "pool8", "fire9"]
    assert [(r.squeeze, r.expand1x1 + r.expand3x3) for r in rows if hasattr(r, "squeeze")] == [
        (16, 128), (16, 128), (32, 256), (32, 256), (48, 384), (48, 384), (64, 512), (64, 512)]
    assert final_side(spec, rows) == 13
    model = build_model(ModelConfig("squeezenet", "squeezenet1.0", in_channels=3, num_classes=1000))
    sides = []
    for m in model.modules():
        if isinstance(m, torch.nn.MaxPool2d):
            m.register_forward_hook(lambda m, i, o: sides.append(o.shape[-1]))
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 224, 224)).shape == (1, 1000)
    assert sides == [54, 27, 13]


def test_the_seeds_squeezenet_is_as_written():
    """conv1 64@3x3/2 valid, a 3x3/2 max pool, fire2/3 squeeze 16 expand 64+64, fire4/5 squeeze 32 expand
    128+128, conv10 + ReLU, a global average over 7x7 (and, in the QAT model, its quantizer)."""
    from hwcnn.models.squeezenet import final_side

    spec = PRESETS["squeezenet-seed"]
    rows = table(spec)
    assert [r.name for r in rows] == ["conv1", "pool1", "fire2", "fire3", "fire4", "fire5"]
    assert [(r.squeeze, r.expand1x1, r.expand3x3) for r in rows[2:]] == [(16, 64, 64)] * 2 + [(32, 128, 128)] * 2
    assert (rows[0].out_channels, rows[0].kernel, rows[0].stride, rows[0].padding) == (64, 3, 2, 0)
    assert final_side(spec, rows) == 7
    qat = build_model(ModelConfig("squeezenet", "squeezenet-seed", quant=QuantConfig(4, 4)))
    names = list(dict(qat.named_children()))
    assert names[-5:] == ["conv10", "relu10", "avgpool", "avg_quant", "flatten"]
    assert isinstance(qat.pool1, torch.nn.MaxPool2d) and (qat.pool1.kernel_size, qat.pool1.stride) == (3, 2)


def test_float_weights_initialise_the_qat_model():
    torch.manual_seed(0)
    float_model = build_model(ModelConfig("squeezenet", "squeezenet-mnist", batch_norm=True))
    qat = build_model(ModelConfig("squeezenet", "squeezenet-mnist", batch_norm=True, quant=QuantConfig(8, 8)))
    load_weights(qat, float_model.state_dict(), "float", quantizers_from_state=False)
    assert torch.equal(qat.fire3.expand3x3.weight, float_model.fire3.expand3x3.weight)
    with pytest.raises(HwcnnError, match="missing"):
        load_weights(qat, float_model.state_dict(), "float")


def test_input_quantizer_is_identity_on_pixel_codes():
    model = build_model(ModelConfig("lenet5", "modern", quant=QuantConfig(4, 4)))
    x = (torch.arange(256, dtype=torch.float32) / 256).reshape(1, 1, 16, 16)
    for mode in (model.train, model.eval):
        mode()
        q = model.input_quant(x)
        assert q.scale.item() == 2.0 ** -8 and q.zero_point.item() == 0 and q.bit_width.item() == 8
        assert torch.equal(q.value, x)
        assert not list(model.input_quant.parameters())  # a constant, not learned


def _is_power_of_two(v: float) -> bool:
    m, _ = math.frexp(v)
    return v > 0 and m == 0.5


def _export(model, channels, tmp_path):
    from brevitas.export import export_qonnx
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.util.cleanup import cleanup_model

    path = tmp_path / "m.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_qonnx(model.eval(), args=torch.zeros(1, channels, 32, 32), export_path=str(path))
    return cleanup_model(ModelWrapper(str(path)))


@pytest.mark.parametrize("arch,variant,bits,weight_scale", [
    ("lenet5", "classic", (3, 5), "max"),             # tanh, linear layers
    ("squeezenet", "squeezenet-mnist", (6, 3), "mse"),  # relu, concat
])
def test_exported_scales_are_powers_of_two(arch, variant, bits, weight_scale, tmp_path):
    torch.manual_seed(0)
    model = build_model(ModelConfig(arch, variant, quant=QuantConfig(*bits, layers={"conv1": LayerBits(8, 7)},
                                                                      weight_scale=weight_scale)))
    model.train()
    model(images(16, 1))  # collect activation statistics: scales move away from their initial values
    qmodel = _export(model, 1, tmp_path)
    quants = [n for n in qmodel.graph.node if n.op_type == "Quant"]
    found_bits = set()
    for node in quants:
        scale, zero_point, bit_width = (qmodel.get_initializer(name) for name in node.input[1:4])
        assert scale.size == 1 and _is_power_of_two(float(scale.item())), (node.input[0], scale)
        assert zero_point.size == 1 and float(zero_point.item()) == 0.0
        found_bits.add(int(bit_width.item()))
    assert quants[0].input[0] == qmodel.graph.input[0].name  # the input is quantized first
    assert qmodel.get_initializer(quants[0].input[1]).item() == 2.0 ** -8
    assert {8, 7, 16, *bits} == found_bits  # weights, activations, override, input and 16-bit biases
    assert qmodel.graph.node[-1].op_type != "Quant" and "Quant" not in [
        n.op_type for n in qmodel.find_consumers(qmodel.graph.output[0].name) or []]


def test_mse_weight_scale_clips_outliers_with_a_smaller_power_of_two():
    scales = {}
    for recipe in ("max", "mse"):
        model = build_model(ModelConfig("lenet5", "modern", quant=QuantConfig(4, 4, weight_scale=recipe)))
        conv = model.conv2  # 2,400 weights
        with torch.no_grad():  # small weights and one outlier, as batch-norm folding leaves them
            conv.weight.copy_(torch.randn(conv.weight.shape, generator=torch.Generator().manual_seed(0)) * 0.05)
            conv.weight[0, 0, 0, 0] = 1.0
        qw = conv.quant_weight()
        scales[recipe] = float(qw.scale.detach())
        codes = (qw.value / qw.scale).detach()
        assert _is_power_of_two(scales[recipe]) and torch.equal(codes, codes.round())
        assert codes.abs().max() == 7  # narrow range: -7..7
    assert scales["max"] == 2.0 ** -3  # 2^(ceil(log2 1.0) - 3): the outlier alone sets it
    assert scales["mse"] < scales["max"]  # mse spends the codes on the many small weights


def test_last_layer_outputs_the_accumulator():
    model = build_model(ModelConfig("lenet5", "modern", quant=QuantConfig(4, 4))).eval()
    seen = {}
    model.fc2.register_forward_pre_hook(lambda module, args: seen.update(input_scale=args[0].scale))
    with torch.no_grad():
        out = model(images(8, 1))
    acc_scale = (seen["input_scale"] * model.fc2.quant_weight().scale).item()
    codes = out / acc_scale
    assert torch.equal(codes, codes.round())  # integer multiples of input scale * weight scale
    assert len(torch.unique(out)) > 40        # ... and not squeezed through a low-bit quantizer


# --- configs ------------------------------------------------------------------------------------

def test_config_round_trip():
    cfg = ModelDirConfig(
        ModelConfig("lenet5", "modern", quant=QuantConfig(4, 4, layers={"conv1": LayerBits(8, 6)})),
        TrainConfig(epochs=3, lr=0.002, init_from="../lenet5-float"), "../lenet5-float")
    data = json.loads(json.dumps(to_dict(cfg)))
    assert from_dict(ModelDirConfig, data) == cfg
    assert cfg.model.quant.for_layer("conv1") == LayerBits(8, 6)
    assert cfg.model.quant.for_layer("conv2") == LayerBits(4, 4)


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["model"].update(colour="red"), "model: unknown key 'colour'"),
    (lambda d: d["model"]["quant"].update(weight_bits="4"), r"model.quant.weight_bits: expected int, got string"),
    (lambda d: d["model"]["quant"].update(act_bits=4.0), "model.quant.act_bits: expected int, got number"),
    (lambda d: d["model"]["quant"].update(weight_bits=9), "weight_bits = 9 is outside 2..8"),
    (lambda d: d["model"]["quant"].update(input_bits=1), "input_bits = 1 is outside 2..8"),
    (lambda d: d["model"]["quant"]["layers"].update(conv1={"weight_bits": 4}), "layers.conv1: missing key 'act_bits'"),
    (lambda d: d["model"]["quant"]["layers"].update(conv1={"weight_bits": 4, "act_bits": 1}), "act_bits = 1"),
    (lambda d: d["train"].update(epochs=True), "train.epochs: expected int, got boolean"),
    (lambda d: d["train"].update(optimizer="adagrad"), "optimizer = 'adagrad'"),
    (lambda d: d.pop("train"), "missing key 'train'"),
    (lambda d: d.update(model=[1]), "model: expected an object, got list"),
])
def test_config_errors_name_the_key(mutate, message):
    data = to_dict(ModelDirConfig(ModelConfig("lenet5", "modern", quant=QuantConfig(4, 4)), TrainConfig(epochs=1)))
    mutate(data)
    with pytest.raises(HwcnnError, match=message):
        from_dict(ModelDirConfig, data)


@pytest.mark.parametrize("cfg,message", [
    (ModelConfig("resnet", "x"), "unknown arch 'resnet'; expected one of lenet5, squeezenet"),
    (ModelConfig("lenet5", "tiny"), "unknown lenet5 variant 'tiny'"),
    (ModelConfig("squeezenet", "squeezenet-imagenet"), "unknown squeezenet variant"),
    (ModelConfig("lenet5", "modern", quant=QuantConfig(4, 4, layers={"conv9": LayerBits(4, 4)})),
     "unknown layer 'conv9'"),
    (ModelConfig("lenet5", "modern", batch_norm=True), "lenet5 has no batch_norm"),
])
def test_build_model_errors(cfg, message):
    with pytest.raises(HwcnnError, match=message):
        build_model(cfg)


# --- model directories through the CLI -------------------------------------------------------------

@pytest.fixture
def model_dir(tmp_path):
    """A valid (untrained) QAT model directory."""
    d = tmp_path / "m"
    d.mkdir()
    cfg = ModelDirConfig(ModelConfig("lenet5", "modern", quant=QuantConfig(4, 4)), TrainConfig(epochs=1))
    (d / "config.json").write_text(json.dumps(to_dict(cfg)))
    model = build_model(cfg.model)
    model(images(2, 1))  # one training step's statistics give the activation scales their value
    torch.save(model.state_dict(), d / "weights.pt")
    return d


def test_load_model_dir(model_dir):
    model, cfg = load_model_dir(model_dir)
    assert cfg.quant == QuantConfig(4, 4) and not model.training


def _evaluate_fails(capsys, path, message):
    assert main(["evaluate", str(path), "--cache-dir", str(path.parent / "cache")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_missing_model_dir(tmp_path, capsys):
    _evaluate_fails(capsys, tmp_path / "nope", "model directory")


def test_missing_weights(model_dir, capsys):
    (model_dir / "weights.pt").unlink()
    _evaluate_fails(capsys, model_dir, "weights.pt not found")


def test_corrupt_weights(model_dir, capsys):
    (model_dir / "weights.pt").write_bytes(b"\x80\x02 not a checkpoint")
    _evaluate_fails(capsys, model_dir, "is not a readable state_dict")


def test_weights_of_another_model(model_dir, capsys):
    torch.save(build_model(ModelConfig("lenet5", "modern", num_classes=7)).state_dict(), model_dir / "weights.pt")
    _evaluate_fails(capsys, model_dir, "does not fit the model")


def test_float_weights_in_a_qat_dir(model_dir, capsys):
    torch.save(build_model(ModelConfig("lenet5", "modern")).state_dict(), model_dir / "weights.pt")
    _evaluate_fails(capsys, model_dir, "mismatched keys, first: missing")


def test_unknown_config_key(model_dir, capsys):
    data = json.loads((model_dir / "config.json").read_text())
    data["model"]["quant"]["wbits"] = 4
    (model_dir / "config.json").write_text(json.dumps(data))
    _evaluate_fails(capsys, model_dir, "model.quant: unknown key 'wbits'")


def test_corrupt_config(model_dir, capsys):
    (model_dir / "config.json").write_text("{not json")
    _evaluate_fails(capsys, model_dir, "is not valid JSON")


@pytest.mark.parametrize("argv,message", [
    (["--arch", "lenet5", "--wbits", "9"], "weight_bits = 9 is outside 2..8"),
    (["--arch", "lenet5", "--abits", "1"], "act_bits = 1 is outside 2..8"),
    (["--arch", "alexnet"], "unknown arch 'alexnet'"),
    (["--arch", "lenet5", "--variant", "big"], "unknown lenet5 variant 'big'"),
    (["--arch", "lenet5", "--layer-bits", "conv7=4,4"], "unknown layer 'conv7'"),
    (["--arch", "lenet5", "--layer-bits", "conv1=4"], "expected LAYER=W,A"),
    (["--arch", "lenet5", "--epochs", "0"], "argument --epochs: 0 is outside [1, "),
    (["--arch", "lenet5", "--lr", "-1"], "argument --lr: -1 is outside (0, 10]"),
])
def test_train_argument_errors(argv, message, tmp_path, capsys):
    assert main(["train", *argv, "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()
