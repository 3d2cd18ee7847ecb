"""Training on tiny synthetic data: determinism, resume, model directory, output protection."""

from __future__ import annotations

import json

import pytest
import torch

import hwcnn.train
from hwcnn.cli import main
from hwcnn.config import ModelConfig, QuantConfig, TrainConfig
from hwcnn.models import build_model, load_model_dir
from hwkit import SIZES, synthetic
from hwcnn.train import fit, random_flip, random_shift, training_dir, training_loss



@pytest.fixture(autouse=True)
def tiny_data(monkeypatch):
    monkeypatch.setattr(hwcnn.train, "load_arrays",
                        lambda dataset, split, *, data_dir, cache_dir, n=None: synthetic(split))


def train(out, *extra: str) -> int:
    return main(["train", "--arch", "lenet5", "--wbits", "4", "--abits", "4", "--epochs", "2", "--batch-size", "32",
                 "--lr", "0.01", "--seed", "3", "--out", str(out), "--cache-dir", str(out.parent / "cache"), *extra])


def weights(path):
    return torch.load(path / "weights.pt", weights_only=True)


def assert_same_weights(a, b):
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for k in wa:
        assert torch.equal(wa[k], wb[k]), k


def test_train_writes_a_model_directory_and_is_deterministic(tmp_path, capsys):
    assert train(tmp_path / "a", "--json", str(tmp_path / "a.json")) == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "config.json", "metrics.json", "training_curve.png", "weights.pt"]
    assert not list(tmp_path.glob(".hwcnn-*"))  # no checkpoint, lock or partial directory left behind
    metrics = json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert [h["epoch"] for h in metrics["history"]] == [1, 2]
    assert metrics["n_test"] == SIZES["test"] and metrics["data"]["source"] == "synthetic"
    assert metrics["float_twin"] is None and metrics["seconds_per_epoch"] > 0
    assert json.loads((tmp_path / "a.json").read_text())["test_accuracy"] == metrics["test_accuracy"]

    # the same seed gives the same weights, bit for bit
    assert train(tmp_path / "b") == 0
    assert_same_weights(tmp_path / "a", tmp_path / "b")

    # `evaluate` reloads the directory and measures what training measured
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "a"), "--json", str(tmp_path / "e.json"),
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    assert json.loads((tmp_path / "e.json").read_text())["accuracy"] == metrics["test_accuracy"]
    model, cfg = load_model_dir(tmp_path / "a")
    assert cfg.quant == QuantConfig(4, 4)


@pytest.mark.parametrize("extra", [(), ("--float", "--ema", "0.5")], ids=["qat", "float-ema"])
def test_resume_gives_the_uninterrupted_result(tmp_path, monkeypatch, capsys, extra):
    assert train(tmp_path / "full", *extra) == 0

    write = hwcnn.train._write_checkpoint

    def write_then_interrupt(path, ckpt):
        write(path, ckpt)
        raise KeyboardInterrupt

    monkeypatch.setattr(hwcnn.train, "_write_checkpoint", write_then_interrupt)
    assert train(tmp_path / "cut", *extra) == 130  # interrupted after epoch 1
    assert not (tmp_path / "cut").exists()
    assert (training_dir(tmp_path / "cut") / "checkpoint.pt").is_file()
    monkeypatch.setattr(hwcnn.train, "_write_checkpoint", write)

    capsys.readouterr()
    assert train(tmp_path / "cut", *extra, "--resume") == 0
    assert "resuming after epoch 1 of 2" in capsys.readouterr().out
    assert_same_weights(tmp_path / "full", tmp_path / "cut")
    valid_losses = [[h["valid_loss"] for h in json.loads((tmp_path / d / "metrics.json").read_text())["history"]]
                    for d in ("full", "cut")]
    assert valid_losses[0] == valid_losses[1]  # epoch 2 validated the same (averaged) weights
    assert not training_dir(tmp_path / "cut").exists()


def test_resume_errors(tmp_path, capsys):
    assert train(tmp_path / "x", "--resume") == 2
    assert "nothing to resume" in capsys.readouterr().err
    training_dir(tmp_path / "x").mkdir()
    (training_dir(tmp_path / "x") / "checkpoint.pt").write_bytes(b"garbage")
    assert train(tmp_path / "x", "--resume") == 2
    assert "is damaged" in capsys.readouterr().err


def test_existing_out_needs_force(tmp_path, capsys):
    out = tmp_path / "m"
    out.mkdir()
    (out / "keep.txt").write_text("user data")
    assert train(out) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert (out / "keep.txt").read_text() == "user data"
    assert train(out, "--force", "--epochs", "1", "--float") == 0
    assert (out / "weights.pt").is_file() and not (out / "keep.txt").exists()


def test_qat_from_float_twin(tmp_path):
    assert main(["train", "--arch", "lenet5", "--float", "--epochs", "1", "--batch-size", "32",
                 "--out", str(tmp_path / "models" / "f"), "--cache-dir", str(tmp_path / "cache")]) == 0
    assert train(tmp_path / "models" / "q", "--init-from", str(tmp_path / "models" / "f"), "--epochs", "1") == 0
    cfg = json.loads((tmp_path / "models" / "q" / "config.json").read_text())
    assert cfg["float_twin"] == "../f" and cfg["train"]["init_from"] == "../f"
    assert json.loads((tmp_path / "models" / "q" / "metrics.json").read_text())["float_twin"] == "../f"


def test_continued_runs_record_the_stages_before_them(tmp_path):
    models = tmp_path / "models"

    def metrics(name):
        return json.loads((models / name / "metrics.json").read_text())

    assert train(models / "f1", "--float", "--epochs", "1") == 0
    assert train(models / "f2", "--float", "--epochs", "2", "--init-from", str(models / "f1")) == 0
    assert train(models / "f3", "--float", "--epochs", "1", "--init-from", str(models / "f2"), "--lr", "0.001") == 0
    stages = metrics("f3")["earlier_stages"]["stages"]
    assert [s["model"] for s in stages] == ["f1", "f2"]
    assert [s["history"] for s in stages] == [metrics("f1")["history"], metrics("f2")["history"]]
    assert [s["train"]["epochs"] for s in stages] == [1, 2] and stages[1]["train"]["init_from"] == "../f1"
    assert stages[1]["test_accuracy"] == metrics("f2")["test_accuracy"]
    assert "earlier_stages" not in metrics("f1")
    # QAT from the float model starts a new chain (the float model is its twin); QAT continued records it
    assert train(models / "q1", "--epochs", "1", "--init-from", str(models / "f3")) == 0
    assert train(models / "q2", "--epochs", "1", "--init-from", str(models / "q1"),
                 "--float-twin", str(models / "f3")) == 0
    assert "earlier_stages" not in metrics("q1")
    assert [(s["model"], s["float_twin"]) for s in metrics("q2")["earlier_stages"]["stages"]] == [("q1", "../f3")]


def test_fit_with_dropout_and_batch_norm_is_deterministic(tmp_path):
    mc = ModelConfig("squeezenet", "squeezenet-mnist", batch_norm=True, dropout=0.2)
    tc = TrainConfig(epochs=1, batch_size=48, augment_shift=1, seed=1)
    results = []
    for run in range(2):
        torch.manual_seed(tc.seed)
        model = build_model(mc)
        state, history = fit(model, mc, tc, synthetic("train"), synthetic("valid"), tmp_path / str(run), progress=False)
        results.append(state)
    for k in results[0]:
        assert torch.equal(results[0][k], results[1][k]), k


def test_random_shift_moves_images_by_at_most_the_shift():
    x = torch.zeros(50, 1, 32, 32)
    x[:, :, 16, 16] = 1.0
    out = random_shift(x, 2, torch.Generator().manual_seed(0))
    ys, xs = (out[:, 0] == 1.0).nonzero()[:, 1:].T
    assert len(ys) == 50 and ys.sub(16).abs().max() <= 2 and xs.sub(16).abs().max() <= 2
    assert len(set(zip(ys.tolist(), xs.tolist()))) > 10


def weights_fit_starts_from(monkeypatch) -> dict:
    """Spy on hwcnn.train.fit: the returned dict fills with the weights of the model it is handed."""
    seen = {}
    real_fit = hwcnn.train.fit

    def fit_spy(model, *args, **kwargs):
        seen.update({k: v.detach().clone() for k, v in model.state_dict().items()})
        return real_fit(model, *args, **kwargs)

    monkeypatch.setattr(hwcnn.train, "fit", fit_spy)
    return seen


def test_qat_from_batch_norm_float_twin_folds_it(tmp_path, monkeypatch):
    """A batch-norm float SqueezeNet initialises a QAT SqueezeNet (no batch norm): the batch norms are folded."""
    from hwcnn.models.squeezenet import fold_batch_norm
    from hwcnn.train import train_model_dir

    mc = ModelConfig("squeezenet", "squeezenet-mnist", batch_norm=True)
    torch.manual_seed(0)
    model = build_model(mc)
    with torch.no_grad():  # non-trivial statistics, as after training
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    model.eval()
    folded = fold_batch_norm(model).eval()
    assert not folded.cfg.batch_norm
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in folded.modules())
    x = synthetic("valid").x[:8]
    with torch.no_grad():
        torch.testing.assert_close(folded(x), model(x), rtol=1e-4, atol=1e-5)

    # a 1-epoch float twin with batch norm, then the QAT model (batch_norm False) initialised from it
    twin = tmp_path / "models" / "f"
    train_model_dir(twin, mc, TrainConfig(epochs=1, batch_size=48), cache_dir=tmp_path / "cache", progress=False)
    qmc = ModelConfig("squeezenet", "squeezenet-mnist", quant=QuantConfig(8, 8))
    seen = weights_fit_starts_from(monkeypatch)
    train_model_dir(tmp_path / "models" / "q", qmc, TrainConfig(epochs=1, batch_size=48, init_from="../f"),
                    float_twin=twin, cache_dir=tmp_path / "cache", progress=False)
    expected = fold_batch_norm(load_model_dir(twin)[0]).state_dict()
    for k, v in expected.items():  # the QAT model starts from the folded float weights
        assert torch.equal(seen[k], v), k
    q, cfg = load_model_dir(tmp_path / "models" / "q")
    assert not cfg.batch_norm and not any(isinstance(m, torch.nn.BatchNorm2d) for m in q.modules())


def test_batch_norm_flag(tmp_path, capsys):
    out = tmp_path / "models"
    args = ["train", "--arch", "squeezenet", "--epochs", "1", "--batch-size", "48", "--cache-dir", str(tmp_path / "c")]
    assert main(args + ["--batch-norm", "--out", str(out / "q")]) == 2  # QAT with batch norm is refused
    assert "--batch-norm needs --float" in capsys.readouterr().err
    assert main(args + ["--float", "--batch-norm", "--out", str(out / "f")]) == 0
    assert json.loads((out / "f" / "config.json").read_text())["model"]["batch_norm"] is True


def test_equalize_starts_qat_from_the_equalized_folded_twin(tmp_path, monkeypatch):
    from hwcnn.models.squeezenet import equalize, fold_batch_norm

    out = tmp_path / "models"
    args = ["train", "--arch", "squeezenet", "--epochs", "1", "--batch-size", "48", "--cache-dir", str(tmp_path / "c")]
    assert main(args + ["--float", "--batch-norm", "--out", str(out / "f")]) == 0
    seen = weights_fit_starts_from(monkeypatch)
    assert main(args + ["--init-from", str(out / "f"), "--equalize", "--out", str(out / "q")]) == 0
    expected = equalize(fold_batch_norm(load_model_dir(out / "f")[0])).state_dict()
    assert not torch.equal(expected["conv1.weight"], fold_batch_norm(load_model_dir(out / "f")[0]).conv1.weight)
    for k, v in expected.items():
        assert torch.equal(seen[k], v), k
    assert json.loads((out / "q" / "config.json").read_text())["train"]["equalize"] is True


def test_random_flip_mirrors_about_half_the_images():
    x = torch.zeros(200, 1, 32, 32)
    x[:, :, 10, 3] = 1.0
    out = random_flip(x, torch.Generator().manual_seed(0))
    mirrored = out[:, 0, 10, 28] == 1.0  # column 3 of 32 mirrors to column 28
    assert torch.equal(mirrored | (out[:, 0, 10, 3] == 1.0), torch.ones(200, dtype=torch.bool))
    assert 60 < int(mirrored.sum()) < 140
    assert out.sum() == x.sum()


def test_training_loss_distillation_terms():
    logits, y = torch.tensor([[2.0, 0.0, -1.0]]), torch.tensor([0])
    ce = torch.nn.functional.cross_entropy(logits, y)
    assert torch.equal(training_loss(logits, y, None, 0.5), ce)
    assert torch.allclose(training_loss(logits, y, logits.clone(), 0.5), 0.5 * ce)  # same outputs: KL is 0
    assert training_loss(logits, y, -logits, 0.5) > training_loss(logits, y, logits, 0.5)


def test_qat_distilled_from_float_twin_with_flips(tmp_path, capsys):
    models = tmp_path / "models"
    assert main(["train", "--arch", "lenet5", "--float", "--epochs", "1", "--batch-size", "32",
                 "--out", str(models / "f"), "--cache-dir", str(tmp_path / "cache")]) == 0
    args = ("--init-from", str(models / "f"), "--epochs", "1", "--distill", "0.7", "--augment-flip")
    assert train(models / "q", *args) == 0 and train(models / "q2", *args) == 0
    assert_same_weights(models / "q", models / "q2")  # deterministic with a teacher and flips
    cfg = json.loads((models / "q" / "config.json").read_text())["train"]
    assert cfg["distill"] == 0.7 and cfg["augment_flip"] is True
    assert train(models / "q3", "--epochs", "1", "--distill", "0.5") == 2
    assert "distillation needs a float twin" in capsys.readouterr().err
    assert train(models / "q4", *args[:4], "--distill", "1.5") == 2
    assert "argument --distill: 1.5 is outside [0, 1]" in capsys.readouterr().err
    assert not (models / "q3").exists() and not (models / "q4").exists()


def _spy_on_average(monkeypatch) -> list[dict]:
    """Records the training model's state at every moving-average step."""
    seen: list[dict] = []
    update = hwcnn.train._update_average

    def spy(average, model, decay):
        assert not hwcnn.train._collecting(model)  # never while activation scales collect statistics
        seen.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        return update(average, model, decay)

    monkeypatch.setattr(hwcnn.train, "_update_average", spy)
    return seen


def test_ema_keeps_and_validates_the_moving_average_of_the_weights(tmp_path, monkeypatch):
    seen = _spy_on_average(monkeypatch)
    assert main(["train", "--arch", "lenet5", "--float", "--epochs", "1", "--batch-size", "32", "--ema", "0.5",
                 "--out", str(tmp_path / "f"), "--cache-dir", str(tmp_path / "cache")]) == 0
    assert len(seen) == SIZES["train"] // 32  # a float model averages from its first step
    expected = {k: v.clone() for k, v in seen[0].items()}
    for state in seen[1:]:
        for k, v in state.items():
            expected[k] = expected[k] + 0.5 * (v - expected[k])
    saved = weights(tmp_path / "f")
    for k, v in saved.items():
        assert torch.allclose(v, expected[k], rtol=0, atol=1e-6), k
    assert not torch.equal(saved["conv1.weight"], seen[-1]["conv1.weight"])  # the average, not the last step
    assert json.loads((tmp_path / "f" / "config.json").read_text())["train"]["ema"] == 0.5


def test_qat_ema_starts_after_the_activation_scales_collected_statistics(tmp_path, monkeypatch):
    seen = _spy_on_average(monkeypatch)
    assert train(tmp_path / "q", "--batch-size", "1", "--epochs", "4", "--ema", "0.9") == 0
    collect = next(iter(hwcnn.train._stats_scalers(load_model_dir(tmp_path / "q")[0]).values())).collect_stats_steps
    assert len(seen) == 4 * SIZES["train"] - collect > 0


def test_bad73_training_that_diverges_stops_and_writes_no_model(tmp_path, monkeypatch, capsys):
    """A loss that becomes NaN (a learning rate too high for the model) ends training with one line;
    the checkpoint of the last good epoch stays for --resume; no model directory is written."""
    calls = {"n": 0}
    loss_of = hwcnn.train.training_loss

    def diverging(*args, **kwargs):
        calls["n"] += 1
        loss = loss_of(*args, **kwargs)
        return loss * float("nan") if calls["n"] > 3 else loss  # 3 steps of 32 make epoch 1

    monkeypatch.setattr(hwcnn.train, "training_loss", diverging)
    assert train(tmp_path / "m") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "training diverged: the loss is nan at epoch 2, step 1" in err, err
    assert "the checkpoint after epoch 1 stays in" in err and "lower --lr" in err
    assert not (tmp_path / "m").exists()
    assert (training_dir(tmp_path / "m") / "checkpoint.pt").is_file()
