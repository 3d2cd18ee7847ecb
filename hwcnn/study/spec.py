"""A study file (TOML): the models, the axes, the training recipe, the checks and the objectives.

Unknown keys are errors naming their place (`axes.wbits: unknown key`). The axes expand into
points, the cartesian product of every axis; points that differ only in hardware settings (reuse
factor, strategy, io type) share one trained model. Paths are relative to the study file.

    [[models]]
    float = "../models/lenet5-float"   # the float twin each point's QAT starts from
    [train]
    preset = "finetune"                # or a shipped model's recipe: "lenet5-w4a4", "squeezenet-w4a4"
    epochs = 1
    [axes]
    weight_bits = [2, 4, 8]
    act_bits = [2, 4, 8]
    layer_bits = [{}, {first = [8, 8], last = [8, 8]}]   # per-layer overrides: {LAYER = [W, A]}
    [check]
    csim_images = 200                  # test images the C simulation checks bit for bit per point
"""

from __future__ import annotations

import hashlib
import itertools
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from hwcnn.artifacts import ModelDir
from hwcnn.config import MAX_BITS, MIN_BITS, QuantConfig, TrainConfig, from_dict, to_dict
from hwcnn.errors import HwcnnError
from hwcnn.hlsgen.config import IO_TYPES, STRATEGIES, targets

# The training recipes a point can name: a short fine-tune from the float twin, and the recipes
# the shipped QAT models were trained with (their model directories' configuration), without their starting point.
FINETUNE = {"epochs": 1, "lr": 1e-3, "schedule": "cosine", "augment_shift": 2}
SHIPPED_RECIPES = ("lenet5-w4a4", "squeezenet-w4a4")
QUANT_KEYS = ("input_bits", "weight_scale")  # QuantConfig settings besides the widths, the same for every point
COST_FIGURES = ("lut", "dsp", "ff", "bram18", "bops", "macs", "weight_bits", "latency_cycles", "ii")
REPO_MODELS = Path(__file__).resolve().parents[2] / "models"  # the shipped models (their recipes are presets)


def preset(name: str, repo_models: Path) -> tuple[dict, dict]:
    """(training recipe, quantizer settings) of a named preset."""
    if name == "finetune":
        return dict(FINETUNE), {}
    if name in SHIPPED_RECIPES:
        cfg = json.loads(ModelDir(repo_models / name).config_path.read_text())
        train = {k: v for k, v in cfg["train"].items() if k != "init_from"}
        quant = {k: cfg["model"]["quant"][k] for k in QUANT_KEYS if k in cfg["model"]["quant"]}
        return train, quant
    raise HwcnnError(f"train.preset = {name!r}; expected one of finetune, {', '.join(SHIPPED_RECIPES)}")


@dataclass(frozen=True)
class Point:
    """One design of the study: a model at some widths, trained, built with some hardware settings."""

    model: str                                    # the name of one of the study's models
    weight_bits: int
    act_bits: int
    layer_bits: tuple[tuple[str, int, int], ...] = ()  # per-layer overrides (layer, weight bits, act bits), sorted
    reuse_factor: int = 1
    strategy: str = "Latency"
    io_type: str = "io_stream"

    @property
    def train_key(self) -> str:
        """The trained model this point needs: the hardware settings do not change it."""
        over = "".join(f"_{layer}-{w}.{a}" for layer, w, a in self.layer_bits)
        return f"{self.model}_w{self.weight_bits}a{self.act_bits}{over}"

    @property
    def id(self) -> str:
        io = self.io_type.removeprefix("io_")
        return f"{self.train_key}_rf{self.reuse_factor}_{self.strategy.lower()}_{io}"

    def layers(self) -> dict[str, list[int]]:
        return {layer: [w, a] for layer, w, a in self.layer_bits}

    def as_dict(self) -> dict:
        return {"model": self.model, "weight_bits": self.weight_bits, "act_bits": self.act_bits,
                "layer_bits": self.layers(), "reuse_factor": self.reuse_factor, "strategy": self.strategy,
                "io_type": self.io_type}


@dataclass(frozen=True)
class Axes:
    weight_bits: tuple[int, ...] = (4,)
    act_bits: tuple[int, ...] = (4,)
    layer_bits: tuple[dict, ...] = ({},)           # as written: "first"/"last" name the model's end layers
    reuse_factor: tuple[int, ...] = (1,)
    strategy: tuple[str, ...] = ("Latency",)
    io_type: tuple[str, ...] = ("io_stream",)


@dataclass(frozen=True)
class Check:
    csim_images: int = 200       # test images the C simulation runs per point, compared bit for bit
    test_images: int | None = None  # hardware accuracy on this many test images (None: the whole test set)


@dataclass(frozen=True)
class Cost:
    # da4ml's LUT estimate of the unrolled kernels, else the model formula: off by default, its adder-graph
    # search is the slowest part of a point (LeNet-5's kernels: 19 s at 3-bit, 134 s at 4-bit weights)
    da4ml: bool = False
    board: str | None = None     # also how much of this board each point takes


@dataclass(frozen=True)
class Objectives:
    accuracy: str = "hardware"   # the accuracy the fronts and budgets use: hardware (simulator) or qat
    cost: tuple[str, ...] = ("lut", "dsp", "bops", "latency_cycles")
    budgets: tuple[str, ...] = ()  # questions answered in study.md ("within=0.005", "lut<=20000")


@dataclass(frozen=True)
class Sensitivity:
    """Lower one layer at a time to `lower_to` bits (weights and its activation) from the base point;
    then, with `budget`, a greedy search lowers the least sensitive layers until the cost fits."""

    weight_bits: int = 8
    act_bits: int = 8
    lower_to: int = 2
    budget: dict = field(default_factory=dict)  # {figure: at most}, e.g. {lut = 20000}


@dataclass(frozen=True)
class StudySpec:
    name: str
    models: dict[str, Path]      # name -> float model directory
    train: dict                  # TrainConfig fields (the recipe), init_from left out
    axes: Axes
    quant: dict = field(default_factory=dict)  # QUANT_KEYS settings of every point's quantizers
    check: Check = Check()
    cost: Cost = Cost()
    objectives: Objectives = Objectives()
    sensitivity: Sensitivity | None = None
    threads: int = 1             # torch threads per point: the same on every machine, so results match

    def train_config(self) -> TrainConfig:
        return from_dict(TrainConfig, self.train, "train")

    def settings(self) -> dict:
        """What every point's result depends on besides its own axis values (a finished point is reused
        only while these are unchanged)."""
        return {"models": {k: str(v) for k, v in self.models.items()}, "train": self.train, "quant": self.quant,
                "check": asdict(self.check), "cost": asdict(self.cost), "threads": self.threads}

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.settings(), sort_keys=True).encode()).hexdigest()[:16]


def _table(data: Any, where: str, allowed: tuple[str, ...]) -> dict:
    if not isinstance(data, dict):
        raise HwcnnError(f"{where}: expected a table, got {type(data).__name__}")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise HwcnnError(f"{where}: unknown key {unknown[0]!r}; expected one of {', '.join(allowed)}")
    return data


def _ints(value: Any, where: str, lo: int, hi: int) -> tuple[int, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi for v in values):
        raise HwcnnError(f"{where}: expected integers in {lo}..{hi} (or a list of them), got {value!r}")
    return tuple(sorted(set(values)))


def _choices(value: Any, where: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    bad = [v for v in values if v not in choices]
    if not values or bad:
        raise HwcnnError(f"{where}: {bad[0] if bad else value!r} is not one of {', '.join(choices)}")
    return tuple(dict.fromkeys(values))


def _layer_bits(value: Any, where: str) -> tuple[dict, ...]:
    variants = value if isinstance(value, list) else [value]
    out = []
    for i, v in enumerate(variants):
        if not isinstance(v, dict):
            raise HwcnnError(f"{where}[{i}]: expected a table {{LAYER = [W, A]}}, got {v!r}")
        for layer, wa in v.items():
            if not (isinstance(wa, list) and len(wa) == 2 and all(isinstance(b, int) and not isinstance(b, bool)
                                                                  and MIN_BITS <= b <= MAX_BITS for b in wa)):
                raise HwcnnError(f"{where}[{i}].{layer}: expected [weight bits, activation bits] in "
                                 f"{MIN_BITS}..{MAX_BITS}, got {wa!r}")
        out.append(dict(v))
    return tuple(out)


def parse(data: dict, base: Path, name: str, repo_models: Path) -> StudySpec:
    """A StudySpec from a study file's content; `base` is the folder relative paths start from."""
    top = _table(data, "study", ("name", "models", "train", "quant", "axes", "check", "cost", "objectives",
                                 "sensitivity", "threads"))
    models = top.get("models")
    if not isinstance(models, list) or not models:
        raise HwcnnError("models: expected at least one [[models]] table with float = \"DIR\"")
    named = {}
    for i, m in enumerate(models):
        m = _table(m, f"models[{i}]", ("float", "name"))
        if not isinstance(m.get("float"), str):
            raise HwcnnError(f"models[{i}].float: expected the path of a float model directory")
        path = (base / m["float"]).resolve()
        mname = m.get("name", path.name.removesuffix("-float"))
        if not isinstance(mname, str) or not mname.replace("-", "").replace("_", "").isalnum() or mname in named:
            raise HwcnnError(f"models[{i}].name: {mname!r} must be a unique name of letters, digits, - and _")
        named[mname] = path
    train = dict(_table(top.get("train", {}), "train", ("preset",) + tuple(
        f.name for f in fields(TrainConfig) if f.name != "init_from")))
    recipe, quant = preset(train.pop("preset", "finetune"), repo_models)
    recipe.update(train)
    from_dict(TrainConfig, recipe, "train")  # every field checked now, not in a worker later
    quant.update(_table(top.get("quant", {}), "quant", QUANT_KEYS))
    from_dict(QuantConfig, {"weight_bits": 4, "act_bits": 4, **quant}, "quant")
    ax = _table(top.get("axes", {}), "axes", tuple(f.name for f in fields(Axes)))
    axes = Axes(
        weight_bits=_ints(ax.get("weight_bits", 4), "axes.weight_bits", MIN_BITS, MAX_BITS),
        act_bits=_ints(ax.get("act_bits", 4), "axes.act_bits", MIN_BITS, MAX_BITS),
        layer_bits=_layer_bits(ax.get("layer_bits", [{}]), "axes.layer_bits"),
        reuse_factor=_ints(ax.get("reuse_factor", 1), "axes.reuse_factor", 1, 65536),
        strategy=_choices(ax.get("strategy", "Latency"), "axes.strategy", STRATEGIES),
        io_type=_choices(ax.get("io_type", "io_stream"), "axes.io_type", IO_TYPES))
    ch = _table(top.get("check", {}), "check", tuple(f.name for f in fields(Check)))
    check = Check(csim_images=_ints(ch.get("csim_images", 200), "check.csim_images", 1, 10**7)[0],
                  test_images=None if "test_images" not in ch else
                  _ints(ch["test_images"], "check.test_images", 1, 10**7)[0])
    co = _table(top.get("cost", {}), "cost", tuple(f.name for f in fields(Cost)))
    if not isinstance(co.get("da4ml", False), bool):
        raise HwcnnError("cost.da4ml: expected true or false")
    board = co.get("board")
    if board is not None and board not in targets():
        raise HwcnnError(f"cost.board: {board!r} is not in hls/targets.json ({', '.join(sorted(targets()))})")
    ob = _table(top.get("objectives", {}), "objectives", tuple(f.name for f in fields(Objectives)))
    objectives = Objectives(
        accuracy=_choices(ob.get("accuracy", "hardware"), "objectives.accuracy", ("hardware", "qat"))[0],
        cost=_choices(ob.get("cost", list(Objectives.cost)), "objectives.cost", COST_FIGURES),
        budgets=tuple(ob.get("budgets", ())))
    for b in objectives.budgets:
        parse_budget(b)
    sens = None
    if "sensitivity" in top:
        se = _table(top["sensitivity"], "sensitivity", tuple(f.name for f in fields(Sensitivity)))
        budget = _table(se.get("budget", {}), "sensitivity.budget", COST_FIGURES)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in budget.values()):
            raise HwcnnError(f"sensitivity.budget: expected positive numbers, got {budget!r}")
        sens = Sensitivity(*(_ints(se.get(k, d), f"sensitivity.{k}", MIN_BITS, MAX_BITS)[0]
                             for k, d in (("weight_bits", 8), ("act_bits", 8), ("lower_to", 2))), budget=budget)
    threads = _ints(top.get("threads", 1), "threads", 1, 256)[0]
    sname = top.get("name", name)
    if not isinstance(sname, str) or not sname:
        raise HwcnnError("name: expected a string")
    return StudySpec(sname, named, recipe, axes, quant, check, Cost(co.get("da4ml", False), board), objectives, sens,
                     threads)


def load(path: Path, repo_models: Path) -> StudySpec:
    try:
        data = tomllib.loads(Path(path).read_text())
    except OSError as err:
        raise HwcnnError(f"{path}: cannot read the study file ({err.strerror or err})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise HwcnnError(f"{path}: not a valid TOML study file ({err})") from None
    return parse(data, Path(path).resolve().parent, Path(path).stem, repo_models)


def from_flags(float_dir: Path, wbits: list[int], abits: list[int], epochs: int, seed: int) -> StudySpec:
    """The study `hwcnn study FLOAT_MODEL_DIR --wbits ... --abits ...` asks for."""
    name = Path(float_dir).name.removesuffix("-float")
    return StudySpec(f"study-{name}", {name: Path(float_dir).resolve()},
                     {**FINETUNE, "epochs": epochs, "seed": seed}, Axes(tuple(wbits), tuple(abits)))


def widths(text: str | None, what: str) -> list[int]:
    """Bit widths written "2,4,8" (`hwcnn study --wbits`; None: 2,4,8), sorted, each checked."""
    try:
        found = sorted({int(t) for t in (text or "2,4,8").split(",") if t.strip()})
    except ValueError:
        raise HwcnnError(f"--{what}: expected comma-separated integers like 2,4,8, got {text!r}") from None
    bad = [w for w in found if not MIN_BITS <= w <= MAX_BITS]
    if not found or bad:
        raise HwcnnError(f"--{what}: bit widths must be in {MIN_BITS}..{MAX_BITS}, got {text!r}")
    return found


def from_source(source: Path, *, wbits: str | None = None, abits: str | None = None, epochs: int | None = None,
                seed: int | None = None, budgets: tuple[str, ...] = (), repo_models: Path = REPO_MODELS) -> StudySpec:
    """`hwcnn study SOURCE`: the study of a study file, or the plain grid `from_flags` of a float model
    directory (of a QAT one: its float twin), with the budget questions `budgets` added."""
    src = Path(source)
    flags = [name for name, v in (("wbits", wbits), ("abits", abits), ("epochs", epochs), ("seed", seed))
             if v is not None]
    if src.is_file():
        if flags:
            raise HwcnnError(f"--{flags[0]}: give it in the study file {src} ([axes] / [train])")
        spec = load(src, repo_models)
    elif ModelDir(src).config_path.is_file():
        md = ModelDir(src)
        if md.config().model.quant is not None:
            md = md.float_twin()
            if md is None:
                raise HwcnnError(f"{src} is a QAT model without a float_twin; give the float model")
        spec = from_flags(md.path, widths(wbits, "wbits"), widths(abits, "abits"), epochs or 1, seed or 0)
    else:
        raise HwcnnError(f"{src} is neither a study file nor a model directory")
    for b in budgets:
        parse_budget(b)
    return replace(spec, objectives=replace(spec.objectives, budgets=spec.objectives.budgets + tuple(budgets)))


def resolve_layers(variant: dict, layer_names: tuple[str, ...], where: str) -> tuple[tuple[str, int, int], ...]:
    """A layer_bits variant with "first"/"last" named, checked against the model's layers."""
    out = {}
    for layer, (w, a) in variant.items():
        name = {"first": layer_names[0], "last": layer_names[-1]}.get(layer, layer)
        if name not in layer_names:
            raise HwcnnError(f"{where}: no layer {layer!r}; the layers are {', '.join(layer_names)} (or first, last)")
        out[name] = (w, a)
    return tuple(sorted((k, w, a) for k, (w, a) in out.items()))


def grid(spec: StudySpec, layer_names: dict[str, tuple[str, ...]]) -> list[Point]:
    """Every point of the axes, in a stable order (one model's points together)."""
    ax = spec.axes
    points = []
    for model, w, a, lb, rf, s, io in itertools.product(spec.models, ax.weight_bits, ax.act_bits, ax.layer_bits,
                                                        ax.reuse_factor, ax.strategy, ax.io_type):
        over = resolve_layers(lb, layer_names[model], "axes.layer_bits")
        points.append(Point(model, w, a, over, rf, s, io))
    return list(dict.fromkeys(points))


def parse_budget(text: str) -> tuple[str, float]:
    """"within=0.005" (the cheapest point within 0.005 of float accuracy) or "lut<=20000" (the most
    accurate point whose LUTs are at most 20000) -> (figure or "within", number)."""
    import math

    key, sep, value = (text.partition("<=") if "<=" in text else text.partition("="))
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not sep or not math.isfinite(number) or number < 0 or (key == "within") != (sep == "=") or \
            (key != "within" and key not in COST_FIGURES):
        raise HwcnnError(f"budget {text!r}: expected within=DROP (e.g. within=0.005) or FIGURE<=N with FIGURE one of "
                         f"{', '.join(COST_FIGURES)} (e.g. lut<=20000)")
    return key, number


def spec_json(spec: StudySpec) -> dict:
    return {"name": spec.name, **spec.settings(), "axes": asdict(spec.axes), "objectives": asdict(spec.objectives),
            "sensitivity": None if spec.sensitivity is None else asdict(spec.sensitivity),
            "train_config": to_dict(spec.train_config())}
