"""Fit, evaluate and checkpoint a model; write the model directory (see `hwcnn.config`).

Training is deterministic on CPU: one seed fixes the initial weights (torch.manual_seed), the
shuffling and augmentation (a seeded torch.Generator, plain tensor indexing, no DataLoader
workers) and dropout; torch.use_deterministic_algorithms(True) is on. The same seed on the same
machine gives identical weights.

While it trains, `hwcnn train --out DIR` keeps DIR's checkpoint (model, optimizer, schedule,
epoch, RNG states, best weights so far) in a hidden sibling of DIR (`training_dir`), written
atomically after every epoch; `--resume` continues from it and ends with the same weights as an
uninterrupted run. The finished model directory appears in one step (hwcnn.outputs.output_dir),
and one process at a time trains into DIR (its output lock is held from start to end).
"""

from __future__ import annotations

import copy
import io
import math
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from hwcnn.config import ModelConfig, ModelDirConfig, QuantConfig, TrainConfig, from_dict, parse_layer_bits, to_dict
from hwcnn.data import dataset_info, load_split
from hwcnn.data.encoding import to_float
from hwcnn.errors import HwcnnError
from hwcnn.artifacts import ModelDir, default_cache
from hwcnn.outputs import check_free, lock, output_dir, replace_bytes, replace_json
from hwcnn.models import build_model, load_model_dir, load_weights
from hwcnn.models.squeezenet import equalize, fold_batch_norm

CHECKPOINT_FILE = "checkpoint.pt"
EVAL_BATCH = 1000


def default_variant(arch: str, dataset: str) -> str:
    if arch == "squeezenet":
        return "squeezenet-cifar" if dataset == "cifar10" else "squeezenet-mnist"
    return "modern"


def default_train_config(arch: str, *, quantized: bool, initialised: bool) -> TrainConfig:
    """Settings that reach good accuracy on 2 CPU cores; fine-tuning from a float twin is shorter.

    The shipped models/lenet5-float and models/lenet5-w4a4 were trained with these (see their configuration files).
    """
    if initialised:
        return TrainConfig(epochs=8, lr=1e-3, schedule="cosine", augment_shift=2)
    if arch == "lenet5":
        return TrainConfig(epochs=20 if not quantized else 8, lr=3e-3, augment_shift=2)
    return TrainConfig(epochs=10, lr=3e-3, augment_shift=2)


# --- data ---------------------------------------------------------------------------------------

class Arrays:
    """One split as float tensors (values k/256) and labels, with its provenance."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, provenance: dict | None = None):
        self.x = torch.from_numpy(to_float(images))
        self.y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
        self.provenance = provenance

    def __len__(self) -> int:
        return len(self.y)


def load_arrays(dataset: str, split: str, *, data_dir: Path | None, cache_dir: Path, n: int | None = None) -> Arrays:
    s = load_split(dataset, split, data_dir=data_dir, cache_dir=cache_dir)
    return Arrays(s.images[:n], s.labels[:n], s.provenance)


def random_shift(x: torch.Tensor, max_shift: int, gen: torch.Generator) -> torch.Tensor:
    """Shift each image by up to max_shift pixels in x and y, filling with zeros."""
    if max_shift == 0:
        return x
    p, (h, w) = max_shift, x.shape[-2:]
    padded = F.pad(x, (p, p, p, p))
    dy, dx = torch.randint(0, 2 * p + 1, (2, len(x)), generator=gen)
    out = torch.empty_like(x)
    for oy in range(2 * p + 1):
        for ox in range(2 * p + 1):
            idx = ((dy == oy) & (dx == ox)).nonzero().squeeze(1)
            out[idx] = padded[idx, :, oy:oy + h, ox:ox + w]
    return out


def random_flip(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Mirror each image left-right with probability 1/2 (the 32x32 frame is symmetric)."""
    flip = torch.rand(len(x), generator=gen) < 0.5
    return torch.where(flip[:, None, None, None], x.flip(-1), x)


# Knowledge distillation (Hinton et al. 2015): the QAT model also matches the float twin's
# softened outputs, which recovers much of what quantization costs.
DISTILL_TEMPERATURE = 4.0


def training_loss(logits: torch.Tensor, y: torch.Tensor, teacher_logits: torch.Tensor | None,
                  distill: float) -> torch.Tensor:
    loss = F.cross_entropy(logits, y)
    if teacher_logits is None or distill == 0:
        return loss
    t = DISTILL_TEMPERATURE
    soft = F.kl_div(F.log_softmax(logits / t, 1), F.log_softmax(teacher_logits / t, 1),
                    reduction="batchmean", log_target=True) * t * t
    return (1 - distill) * loss + distill * soft


# --- evaluation ---------------------------------------------------------------------------------

@torch.no_grad()
def evaluate(model: nn.Module, data: Arrays, *, progress: str | None = None) -> tuple[float, float]:
    """(mean cross-entropy loss, accuracy) of the model in eval mode."""
    model.eval()
    loss, correct = 0.0, 0
    for i in tqdm(range(0, len(data), EVAL_BATCH), desc=progress, leave=False, disable=progress is None or None):
        logits = model(data.x[i:i + EVAL_BATCH])
        y = data.y[i:i + EVAL_BATCH]
        loss += F.cross_entropy(logits, y, reduction="sum").item()
        correct += (logits.argmax(1) == y).sum().item()
    return loss / len(data), correct / len(data)


# --- fitting ------------------------------------------------------------------------------------

def make_optimizer(model: nn.Module, tc: TrainConfig, steps_per_epoch: int):
    if tc.optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=tc.lr, momentum=0.9, nesterov=True, weight_decay=tc.weight_decay)
    total = tc.epochs * steps_per_epoch
    if tc.schedule == "onecycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=tc.lr, total_steps=total)
    elif tc.schedule == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)
    else:
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0)
    return opt, sched


def _stats_scalers(model: nn.Module) -> dict[str, nn.Module]:
    """Activation-scale modules that collect statistics during their first training steps.

    Their step counter is not in the state_dict (loading one ends the collection), so a
    checkpoint stores it with the buffer and value it goes with.
    """
    from brevitas.core.scaling.standalone import ParameterFromRuntimeStatsScaling
    return {n: m for n, m in model.named_modules() if isinstance(m, ParameterFromRuntimeStatsScaling)}


def _collection_state(model: nn.Module) -> dict:
    return {n: {"counter": m.counter, "buffer": m.buffer.clone(), "value": m.value.detach().clone()}
            for n, m in _stats_scalers(model).items()}


def _restore_collection_state(model: nn.Module, state: dict) -> None:
    for n, m in _stats_scalers(model).items():
        m.counter = state[n]["counter"]
        m.buffer.copy_(state[n]["buffer"])
        with torch.no_grad():
            m.value.copy_(state[n]["value"])


def _collecting(model: nn.Module) -> bool:
    """True while some activation scale still collects statistics (its learned value is not yet in use)."""
    return any(m.counter <= m.collect_stats_steps for m in _stats_scalers(model).values())


@torch.no_grad()
def _update_average(average: dict | None, model: nn.Module, decay: float) -> dict:
    """One step of the exponential moving average of the model's floating-point state (Polyak averaging:
    QAT weights keep jumping between quantization levels; the average smooths them; README: what it
    did for the shipped SqueezeNet)."""
    state = model.state_dict()
    if average is None:
        return {k: v.detach().clone() for k, v in state.items()}
    for k, v in state.items():
        if v.is_floating_point():
            average[k].lerp_(v, 1 - decay)
        else:
            average[k].copy_(v)
    return average


def _with_state(model: nn.Module, state: dict) -> nn.Module:
    """A copy of `model` holding `state` (the training model and its statistics collection untouched)."""
    averaged = copy.deepcopy(model)
    averaged.load_state_dict(state)
    return averaged


def fit(model: nn.Module, mc: ModelConfig, tc: TrainConfig, train: Arrays, valid: Arrays, workdir: Path, *,
        resume: bool = False, progress: bool = True, teacher: nn.Module | None = None) -> tuple[dict, list[dict]]:
    """Train `model` (already seeded and initialised), checkpointing into workdir after each epoch;
    `teacher` (eval mode; pass one only when tc.distill > 0) gives the soft targets.

    With tc.ema > 0 the moving average of the weights is what is validated and returned; it starts
    once the activation scales have finished collecting statistics (averaging a scale's unused initial
    value in would corrupt it).

    Returns (state_dict of the epoch with the best valid accuracy, per-epoch history).
    """
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(tc.seed)
    steps = math.ceil(len(train) / tc.batch_size)
    opt, sched = make_optimizer(model, tc, steps)
    history: list[dict] = []
    best: dict = {"accuracy": -1.0, "epoch": 0, "state": None}
    average: dict | None = None
    ckpt_path = workdir / CHECKPOINT_FILE
    if resume:
        ckpt = _read_checkpoint(ckpt_path, mc, tc)
        load_weights(model, ckpt["model"], str(ckpt_path))
        _restore_collection_state(model, ckpt["stats_collection"])
        opt.load_state_dict(ckpt["optimizer"])
        sched.load_state_dict(ckpt["scheduler"])
        gen.set_state(ckpt["generator"])
        torch.set_rng_state(ckpt["torch_rng"])
        history, best, average = ckpt["history"], ckpt["best"], ckpt.get("average")
        print(f"resuming after epoch {len(history)} of {tc.epochs} from {ckpt_path}")
    for epoch in range(len(history) + 1, tc.epochs + 1):
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(len(train), generator=gen)
        loss_sum, correct = 0.0, 0
        bar = tqdm(range(steps), desc=f"epoch {epoch}/{tc.epochs}", leave=False, disable=not progress or None)
        for step in bar:
            idx = perm[step * tc.batch_size:(step + 1) * tc.batch_size]
            x, y = random_shift(train.x[idx], tc.augment_shift, gen), train.y[idx]
            if tc.augment_flip:
                x = random_flip(x, gen)
            logits = model(x)
            with torch.no_grad():
                teacher_logits = teacher(x) if teacher is not None else None
            loss = training_loss(logits, y, teacher_logits, tc.distill)
            if not torch.isfinite(loss):  # nothing after this step could be a model
                kept = f"the checkpoint after epoch {epoch - 1} stays in {ckpt_path}" if epoch > 1 else "nothing kept"
                raise HwcnnError(f"training diverged: the loss is {loss.item()} at epoch {epoch}, step {step + 1} "
                                 f"(lr {opt.param_groups[0]['lr']:g}); {kept}; train again with a lower --lr")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            if tc.ema > 0 and not _collecting(model):
                average = _update_average(average, model, tc.ema)
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            if step % 20 == 0:
                bar.set_postfix(loss=f"{loss.item():.4f}")
        seconds = time.perf_counter() - start
        validated = model if average is None else _with_state(model, average)
        valid_loss, valid_acc = evaluate(validated, valid)
        history.append({"epoch": epoch, "train_loss": loss_sum / len(train), "train_accuracy": correct / len(train),
                        "valid_loss": valid_loss, "valid_accuracy": valid_acc,
                        "lr": opt.param_groups[0]["lr"], "seconds": seconds})
        if valid_acc > best["accuracy"]:
            best = {"accuracy": valid_acc, "epoch": epoch,
                    "state": {k: v.detach().clone() for k, v in validated.state_dict().items()}}
        if progress:
            print(f"epoch {epoch}/{tc.epochs}: train loss {loss_sum / len(train):.4f} acc {correct / len(train):.4f}"
                  f" | valid loss {valid_loss:.4f} acc {valid_acc:.4f} | {seconds:.1f} s", flush=True)
        _write_checkpoint(ckpt_path, {
            "model_config": to_dict(mc), "train_config": to_dict(tc), "model": model.state_dict(),
            "stats_collection": _collection_state(model), "optimizer": opt.state_dict(),
            "scheduler": sched.state_dict(), "generator": gen.get_state(), "torch_rng": torch.get_rng_state(),
            "history": history, "best": best, "average": average})
    return best["state"], history


def _write_checkpoint(path: Path, ckpt: dict) -> None:
    buf = io.BytesIO()
    torch.save(ckpt, buf)
    replace_bytes(path, buf.getvalue())


def _read_checkpoint(path: Path, mc: ModelConfig, tc: TrainConfig) -> dict:
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise HwcnnError(f"checkpoint {path} is damaged ({type(err).__name__}); train without --resume") from None
    if ckpt.get("model_config") != to_dict(mc) or ckpt.get("train_config") != to_dict(tc):
        raise HwcnnError(f"checkpoint {path} was made with other settings; resume with the same arguments "
                         "or train without --resume")
    return ckpt


# --- model directories --------------------------------------------------------------------------

def plot_curve(history: list[dict], path: Path, title: str, earlier: list[dict] = ()) -> None:
    """Loss and accuracy per epoch, the earlier stages first (epochs counted on across stages,
    a dotted line where each stage starts), so a multi-stage model shows its whole training."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, starts = [], []
    for stage_history in [s["history"] for s in earlier] + [history]:
        starts.append(len(rows))
        rows += stage_history
    epochs = list(range(1, len(rows) + 1))
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for split in ("train", "valid"):
        ax_loss.plot(epochs, [h[f"{split}_loss"] for h in rows], marker="o", label=split)
        ax_acc.plot(epochs, [h[f"{split}_accuracy"] for h in rows], marker="o", label=split)
    ax_loss.set(ylabel="cross-entropy loss", yscale="log")
    ax_acc.set(ylabel="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel("epoch (all stages)" if earlier else "epoch")
        for start in starts[1:]:
            ax.axvline(start + 0.5, color="grey", linestyle=":")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title + (f" ({len(starts)} stages)" if earlier else ""))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def earlier_stages(init_dir: Path, mc: ModelConfig) -> list[dict]:
    """The training stages behind `init_dir`'s weights, oldest first, when this run continues them.

    Models are often trained in stages (a QAT run continued at a lower learning rate, a float run
    restarted); recording the whole chain keeps a model directory reproducible. A QAT run started
    from a float model is a new chain (the float model is its twin, with its own record)."""
    init_md = ModelDir(init_dir)
    init_cfg = init_md.config()
    if (init_cfg.model.quant is None) != (mc.quant is None) or not init_md.metrics_path.is_file():
        return []
    metrics = init_md.metrics()
    stage = {"model": init_dir.name, "train": to_dict(init_cfg.train), "float_twin": init_cfg.float_twin}
    stage |= {k: metrics.get(k) for k in ("test_accuracy", "valid_accuracy", "seconds_per_epoch", "history")}
    return metrics.get("earlier_stages", {}).get("stages", []) + [stage]


def train_model_dir(out: Path, mc: ModelConfig, tc: TrainConfig, *, float_twin: Path | None = None,
                    data_dir: Path | None = None, cache_dir: Path, force: bool = False, resume: bool = False,
                    progress: bool = True) -> dict:
    """Train and write the model directory `out`; returns its metrics."""
    out = Path(out)
    with lock(out):
        return _train_model_dir(out, mc, tc, float_twin, data_dir, cache_dir, force, resume, progress)


@dataclass(frozen=True)
class TrainOptions:
    """What `hwcnn train` is asked, by its options' names (hwcnn/cli/parser.py), before defaults and checks."""
    out: Path                        # the model directory to write
    arch: str
    variant: str | None = None       # None: `default_variant`
    dataset: str = "mnist"
    float_model: bool = False        # a float model (no quantization)
    wbits: int = 4
    abits: int = 4
    layer_bits: list[str] = field(default_factory=list)  # LAYER=W,A (`parse_layer_bits`)
    weight_scale: str = "max"
    batch_norm: bool = False         # a float model only
    dropout: float = 0.0
    init_from: Path | None = None    # a float twin to start QAT from, or a model of the same kind to continue
    float_twin: Path | None = None   # recorded as the twin (None: the init_from model of a QAT run)
    threads: int | None = None       # torch threads (None: all cores)
    data_dir: Path | None = None
    cache_dir: Path = field(default_factory=default_cache)
    force: bool = False
    resume: bool = False


def train_from_options(opts: TrainOptions, overrides: dict[str, Any]) -> tuple[dict, str]:
    """`hwcnn train`: the configurations from its options, checked, then `train_model_dir`; (its metrics,
    the line that shows them). `overrides`: the TrainConfig fields given (the rest: `default_train_config`)."""
    o = opts
    if o.threads is not None and o.threads < 1:
        raise HwcnnError(f"--threads {o.threads} must be >= 1")
    torch.set_num_threads(o.threads or os.cpu_count() or 1)
    info = dataset_info(o.dataset)
    quant = None if o.float_model else QuantConfig(o.wbits, o.abits, layers=parse_layer_bits(o.layer_bits),
                                                   weight_scale=o.weight_scale)
    if o.float_model and o.layer_bits:
        raise HwcnnError("--layer-bits needs a quantized model (drop --float)")
    if o.float_model and o.weight_scale != "max":
        raise HwcnnError("--weight-scale needs a quantized model (drop --float)")
    if o.batch_norm and not o.float_model:
        raise HwcnnError("--batch-norm needs --float: a QAT model has no batch norm (it does not convert); "
                         "train the float twin with batch norm and --init-from it, which folds it")
    mc = ModelConfig(arch=o.arch, variant=o.variant or default_variant(o.arch, o.dataset), dataset=o.dataset,
                     in_channels=info.channels, num_classes=info.num_classes, quant=quant, batch_norm=o.batch_norm,
                     dropout=o.dropout)
    build_model(mc)  # unknown arch, variant or layer names fail before any data is loaded
    out = Path(o.out)
    init_from = None
    if o.init_from is not None:
        init_cfg = ModelDir(o.init_from).config().model
        if (init_cfg.arch, init_cfg.variant, init_cfg.dataset) != (mc.arch, mc.variant, mc.dataset):
            raise HwcnnError(f"--init-from {o.init_from} is a {init_cfg.arch} {init_cfg.variant} on "
                             f"{init_cfg.dataset}, not a {mc.arch} {mc.variant} on {mc.dataset}")
        init_from = os.path.relpath(Path(o.init_from).resolve(), out.resolve())
    twin = o.float_twin or (o.init_from if quant is not None else None)
    if twin is not None and ModelDir(twin).config().model.quant is not None:
        raise HwcnnError(f"float twin {twin} is a quantized model")
    tc = default_train_config(mc.arch, quantized=quant is not None, initialised=init_from is not None)
    tc = replace(tc, **{**overrides, "init_from": init_from})
    tc = from_dict(TrainConfig, to_dict(tc), "training settings")  # re-checks the overridden values
    metrics = train_model_dir(out, mc, tc, float_twin=None if twin is None else Path(twin), data_dir=o.data_dir,
                              cache_dir=o.cache_dir, force=o.force, resume=o.resume)
    return metrics, (f"{out}: test accuracy {metrics['test_accuracy']:.4f} (valid {metrics['valid_accuracy']:.4f}, "
                     f"best epoch {metrics['best_epoch']}), {metrics['seconds_per_epoch']:.1f} s/epoch")


def evaluate_model_dir(model_dir: Path, *, data_dir: Path | None, cache_dir: Path,
                       n: int | None = None) -> tuple[dict, str]:
    """`hwcnn evaluate`: the accuracy of a model directory on the official test set (or its first `n`
    images): (result, the line that shows it)."""
    torch.set_num_threads(os.cpu_count() or 1)
    model, mc = load_model_dir(model_dir)
    test = load_arrays(mc.dataset, "test", data_dir=data_dir, cache_dir=cache_dir, n=n)
    loss, acc = evaluate(model, test, progress="test")
    kind = "float" if mc.quant is None else f"QAT w{mc.quant.weight_bits}a{mc.quant.act_bits}"
    line = (f"{model_dir}: {mc.arch} {mc.variant} ({kind}) on {mc.dataset} test: "
            f"accuracy {acc:.4f} ({round(acc * len(test))}/{len(test)}), loss {loss:.4f}")
    return {"model": str(model_dir), "dataset": mc.dataset, "n_images": len(test), "accuracy": acc,
            "loss": loss}, line


def training_dir(out: Path) -> Path:
    """Where the checkpoint of a run training into `out` lives (a short name whatever out's length)."""
    import hashlib

    return out.parent / f".hwcnn-{hashlib.sha1(out.name.encode()).hexdigest()[:10]}.training"


def _train_model_dir(out, mc, tc, float_twin, data_dir, cache_dir, force, resume, progress) -> dict:
    check_free(out, force)
    if tc.distill > 0 and float_twin is None:
        raise HwcnnError("distillation needs a float twin (--float-twin, or --init-from a float model)")
    init_dir = None if tc.init_from is None else Path(os.path.normpath(out / tc.init_from))
    if tc.equalize and (mc.arch != "squeezenet" or mc.quant is None or init_dir is None):
        raise HwcnnError("--equalize applies to a QAT SqueezeNet started --init-from its float twin")
    if tc.equalize and ModelDir(init_dir).config().model.quant is not None:
        raise HwcnnError(f"--equalize: {init_dir} is a QAT model; equalization is applied once, to the float "
                         "twin a QAT model starts from")
    workdir = training_dir(out)
    if resume and not (workdir / CHECKPOINT_FILE).is_file():
        raise HwcnnError(f"nothing to resume: {workdir / CHECKPOINT_FILE} not found (train without --resume)")
    if not resume and workdir.exists():
        shutil.rmtree(workdir)

    train = load_arrays(mc.dataset, "train", data_dir=data_dir, cache_dir=cache_dir, n=tc.train_images)
    valid = load_arrays(mc.dataset, "valid", data_dir=data_dir, cache_dir=cache_dir)
    torch.manual_seed(tc.seed)
    model = build_model(mc)
    stages = []
    if init_dir is not None:
        init_model, init_cfg = load_model_dir(init_dir)
        stages = earlier_stages(init_dir, mc)
        if init_cfg.batch_norm and not mc.batch_norm:
            # a batch-norm float twin initialising a model without batch norm (the QAT model):
            # fold each batch norm into the conv before it (eval-mode statistics), then load
            init_model = fold_batch_norm(init_model)
        if tc.equalize:
            init_model = equalize(init_model)
        load_weights(model, init_model.state_dict(), str(init_dir), quantizers_from_state=False)
    teacher = None
    if tc.distill > 0:
        teacher, _ = load_model_dir(float_twin)
        teacher.eval()
    state, history = fit(model, mc, tc, train, valid, workdir, resume=resume, progress=progress, teacher=teacher)

    model.load_state_dict(state)
    test = load_arrays(mc.dataset, "test", data_dir=data_dir, cache_dir=cache_dir)
    test_loss, test_acc = evaluate(model, test)
    twin = None if float_twin is None else os.path.relpath(Path(float_twin).resolve(), out.resolve())
    best = max(history, key=lambda h: h["valid_accuracy"])
    metrics = {
        "model": out.name, "dataset": mc.dataset,
        "test_accuracy": test_acc, "test_loss": test_loss, "n_test": len(test),
        "valid_accuracy": best["valid_accuracy"], "best_epoch": best["epoch"],
        "seconds_per_epoch": sum(h["seconds"] for h in history) / len(history),
        "n_parameters": sum(p.numel() for n, p in model.named_parameters() if "_quant" not in n),
        "torch_threads": torch.get_num_threads(),
        "float_twin": twin,
        "data": {**test.provenance, "n_train": len(train), "n_valid": len(valid)},
        "history": history,
    }
    if stages:
        metrics["earlier_stages"] = {"note": "the stages that trained the weights this run started from, oldest "
                                             "first; each continued from the weights of the one before",
                                     "stages": stages}
    with output_dir(out, force=force) as tmp:
        md = ModelDir(tmp)
        replace_json(md.config_path, to_dict(ModelDirConfig(mc, tc, twin)))
        buf = io.BytesIO()
        torch.save(model.state_dict(), buf)
        md.weights_path.write_bytes(buf.getvalue())
        replace_json(md.metrics_path, metrics)
        plot_curve(history, md.curve_path, f"{out.name}: test accuracy {test_acc:.4f}", stages)
    shutil.rmtree(workdir, ignore_errors=True)
    return metrics
