"""The flow as an ordered list of named steps (FINN's dataflow builder is the model).

Each step takes what the steps before it made (a `RunState`), writes its artifact and records
its time; `run(cfg, start, stop)` runs a slice of `STEPS`. `hwcnn run`, `verify`, `csim`,
`simulate`, `convert`, `study`, the benchmark and the test fixtures all go through here, so the
chain "model -> QONNX -> testbench -> project" exists once.

Steps pass artifacts, not paths: the source with its digest, the QONNX graph, the test split and
the built project (hwcnn/project.py) are each made or read once, and a step whose input is not in
the state reads it from its artifact (`csim` and `simulate` start from a built project, `convert`
from a QONNX file). The checks are steps too: the convert step checks the project's simulator
against QONNX before the project is put in place, csim and simulate each run their own number of
images, verify compares (hwcnn/verify.py `verdict` judges). "Convert unless the project is current"
lives in the convert step: a project whose manifest names this model (by digest) and these
settings is reused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from hwcnn import host
from hwcnn.artifacts import ModelDir, Project, RunDir
from hwcnn.data import DataSource
from hwcnn.errors import HwcnnError
from hwcnn.hlsgen.config import HlsConfig
from hwcnn.outputs import output_dir, replace_json
from hwcnn.project import BuiltProject


@dataclass
class RunConfig:
    """One run of the flow: what it runs on, where its artifacts go, and how hls4ml builds the core."""

    project: Path | None = None         # the HLS project the convert step writes (or reuses when current)
    model_dir: Path | None = None       # the trained QAT model (None: `qonnx`, or a model given in the state)
    qonnx: Path | None = None           # a QONNX file to convert, instead of a model
    qonnx_out: Path | None = None       # where export writes the graph, inside an output being built (None: not kept)
    hls: HlsConfig = field(default_factory=HlsConfig)
    csim_images: int = 1000             # test images the C simulation runs (the first of the simulator's)
    sim_images: int | None = None       # test images the simulator runs (None: as many as the C simulation)
    tb_images: int = 16                 # test images written into the project as testbench data
    jobs: int | None = None             # C-simulation worker processes (None: all cores)
    report_dir: Path | None = None      # the verify step's report (None: PROJECT/report)
    report: bool = True                 # the verify step writes its report (a study point keeps only the result)
    inputs: Path | None = None          # a .npy of inputs for csim, simulate and verify (None: the dataset's)
    force: bool = False                 # replace a project (or --report) that exists but is not this one
    replace_stale: bool = False         # a stale project at this place is hwcnn's own cache: replace it
    reuse: bool = True                  # reuse a current project (False: `hwcnn convert` always converts)
    data: DataSource = field(default_factory=DataSource)
    progress: bool = True
    shown_as: tuple[Path, Path] | None = None  # (temporary, final) prefix of paths recorded in results

    @property
    def n_images(self) -> int:
        """Test images the checks load: those the simulator runs, of which the C simulation runs the first."""
        return max(self.csim_images, self.sim_images or 0)

    def shown(self, path: Path) -> str:
        """A path as users will find it once the output being built is in place."""
        if self.shown_as is not None:
            tmp, final = self.shown_as
            try:
                return str(final / Path(path).relative_to(tmp))
            except ValueError:
                pass
        return str(path)


@dataclass(frozen=True)
class Source:
    """What a project is converted from, with its digest computed once (None: a model given in
    memory, whose project is never current)."""

    label: str
    digest: str | None

    @classmethod
    def of(cls, cfg: "RunConfig") -> "Source":
        import hashlib

        if cfg.model_dir is not None:
            return cls(str(cfg.model_dir), ModelDir(cfg.model_dir).digest())
        if cfg.qonnx is not None:
            return cls(str(cfg.qonnx), hashlib.sha256(Path(cfg.qonnx).read_bytes()).hexdigest())
        return cls("a model in memory", None)


@dataclass
class RunState:
    """What the steps have made so far: artifacts, each made or read once."""

    model: Any = None                   # the Brevitas QAT model
    input_shape: tuple[int, ...] | None = None
    dataset: str | None = None
    source: Source | None = None        # the project's source and its digest
    qmodel: Any = None                  # the QONNX graph (qonnx ModelWrapper)
    exact: Any = None                   # the graph the core computes, on integer codes (the exact reference)
    tb_x: np.ndarray | None = None      # testbench inputs (float32 NCHW) and the QONNX graph's outputs on them
    tb_y: np.ndarray | None = None
    test: Any = None                    # the dataset's test split (hwcnn.data.Split), loaded once
    project: BuiltProject | None = None  # the built project: its description and simulator read once
    x: np.ndarray | None = None         # the test images the checks run on, their labels and provenance
    labels: np.ndarray | None = None
    provenance: dict | None = None
    csim: np.ndarray | None = None      # the model's outputs with the core C-simulated, on the first csim_images of x
    csim_core: np.ndarray | None = None  # the core's C-simulation outputs on the same (before the host's tail)
    sim: Any = None                     # the simulator's SimResult (the core) on x
    sim_out: np.ndarray | None = None   # the model's outputs with the core simulated (after the host's tail)
    result: dict | None = None          # the verify step's result
    fit: dict | None = None             # --fit: what was chosen for the board, and the estimate
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # step -> why it had nothing to do

    def built(self, cfg: "RunConfig") -> BuiltProject:
        """The project the steps work on, read from its place the first time a step needs it."""
        if self.project is None or self.project.path != Path(_project(cfg)):
            self.project = BuiltProject.open(_project(cfg))
        return self.project

    def source_of(self, cfg: "RunConfig") -> Source:
        if self.source is None:
            self.source = Source.of(cfg)
        return self.source

    def test_split(self, cfg: "RunConfig", dataset: str):
        if self.test is None or self.dataset != dataset:
            self.test, self.dataset = cfg.data.split(dataset, "test"), dataset
        return self.test


@dataclass(frozen=True)
class Step:
    name: str
    doc: str
    fn: Callable[[RunConfig, RunState], str | None]  # returns why it was skipped, or None


# ---- helpers the steps share ----------------------------------------------------------------

def _model_dir(cfg: RunConfig) -> ModelDir:
    if cfg.model_dir is None:
        raise HwcnnError("this step needs a model directory")
    return ModelDir(cfg.model_dir)


def _load_model(cfg: RunConfig, st: RunState) -> None:
    """The QAT model, its input shape and dataset (from the model directory unless given)."""
    if st.model is not None:
        return
    from hwcnn.models import load_model_dir

    model, mc = load_model_dir(_model_dir(cfg).path)
    if mc.quant is None:
        raise HwcnnError(f"{cfg.model_dir} is a float model; this needs a QAT model (its float twin is compared too)")
    st.model, st.input_shape, st.dataset = model, (mc.in_channels, 32, 32), mc.dataset


def _inputs_file(path: Path, shape: list[int], input_type: str, n: int) -> np.ndarray:
    """A user's inputs: a float array of N images of the model's input shape (flat rows accepted),
    every value on the core's input grid unless the host's head quantizes them: off it, the hardware's input port would truncate where
    the model's quantizer rounds, and the comparison would not be of the same inputs."""
    try:
        x = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise HwcnnError(f"--inputs {path}: not a readable .npy array ({err})") from None
    want = int(np.prod(shape))
    if x.ndim >= 1 and len(x) == 0:
        raise HwcnnError(f"--inputs {path}: holds no inputs")
    if x.ndim < 2 or int(np.prod(x.shape[1:])) != want:
        raise HwcnnError(f"--inputs {path}: shape {x.shape} is not N images of the model's input shape {tuple(shape)} "
                         f"({want} values each)")
    if not np.issubdtype(x.dtype, np.floating) and not np.issubdtype(x.dtype, np.integer):
        raise HwcnnError(f"--inputs {path}: dtype {x.dtype} is not numeric")
    x = x[:n].astype(np.float32).reshape(-1, *shape)
    if not np.all(np.isfinite(x)):
        raise HwcnnError(f"--inputs {path}: holds NaN or infinity")
    if input_type == host.FLOAT:  # the host's head quantizes it, as QONNX does
        return x
    from hwcnn.fixed import FixedType, from_float

    t = FixedType.parse(input_type)
    off = np.count_nonzero(from_float(x, t) * t.lsb != x)
    if off:
        lo, hi = t.min_raw * t.lsb, t.max_raw * t.lsb
        raise HwcnnError(f"--inputs {path}: {off} values are not on the core's input grid {t.hls4ml()} (multiples of "
                         f"2^{-t.frac} in [{lo:g}, {hi:g}]); round them onto it first, e.g. "
                         f"np.clip(np.round(x * {2 ** t.frac}), {t.min_raw}, {t.max_raw}) / {2 ** t.frac}")
    return x


def _random_inputs_what(manifest: dict) -> str:
    return ("uniform in [0, 1) (the host quantizes the model's float input)" if manifest["input_type"] == host.FLOAT
            else "on the input type's grid")


def _project(cfg: RunConfig) -> Path:
    if cfg.project is None:
        raise HwcnnError("this step needs an HLS project")
    return Path(cfg.project)


def _project_is_current(cfg: RunConfig, st: RunState) -> bool:
    if cfg.project is None or not cfg.reuse:
        return False
    digest = st.source_of(cfg).digest
    return digest is not None and Project(cfg.project).is_current(digest, cfg.hls.to_dict(), cfg.tb_images)


def check_project_place(cfg: RunConfig, st: RunState) -> None:
    """The convert step may write its project: free, current, hwcnn's own stale cache, or --force."""
    project = Project(_project(cfg))
    if not project.path.exists() or cfg.force or _project_is_current(cfg, st):
        return
    if cfg.replace_stale and project.exists():
        return
    what = "another model or other settings" if project.exists() else "files that are not an hwcnn project"
    raise HwcnnError(f"{project.path} already exists and holds {what}; pass --force to replace it")


def load_test_images(cfg: RunConfig, st: RunState) -> None:
    """The inputs the checks run on: the first n_images of `cfg.inputs` (a .npy file), else of the
    model's (or project's) official test set, else (a QONNX file with no dataset) seeded random
    inputs on the core's input grid."""
    if st.x is not None:
        return
    from hwcnn.data.encoding import to_float

    if cfg.csim_images < 1 or (cfg.sim_images is not None and cfg.sim_images < 1):
        raise HwcnnError(f"--n must be at least 1, got {min(cfg.csim_images, cfg.sim_images or 1)}")
    manifest = st.built(cfg).manifest if cfg.inputs is not None or st.dataset is None else None
    if cfg.inputs is not None:
        st.x, st.labels, st.provenance = _inputs_file(cfg.inputs, manifest["input_shape"], manifest["input_type"],
                                                                 cfg.n_images), None, \
            {"inputs": str(cfg.inputs)}
        return
    dataset = st.dataset or manifest["dataset"]
    if dataset is None:
        from hwcnn.hlsgen.convert import random_inputs

        st.x = random_inputs(manifest["input_type"], manifest["input_shape"], cfg.n_images, seed=1)
        st.labels, st.provenance = None, {"inputs": f"seeded random values (seed 1) {_random_inputs_what(manifest)}"}
        return
    split = st.test_split(cfg, dataset)
    n = min(cfg.n_images, len(split.labels))
    st.x, st.labels, st.provenance = to_float(split.images[:n]), split.labels[:n], split.provenance


# ---- the steps --------------------------------------------------------------------------------

def export(cfg: RunConfig, st: RunState) -> str | None:
    """Brevitas -> QONNX with hwcnn's qonnx passes, checked == Brevitas on the testbench images."""
    from hwcnn.export import export_checked, save_qonnx

    if cfg.qonnx is not None:
        return "the source is a QONNX file"
    if cfg.qonnx_out is None and _project_is_current(cfg, st):
        return "the project is current (the graph is needed only to convert)"
    _load_model(cfg, st)
    if st.tb_x is None:
        if cfg.tb_images < 1:
            raise HwcnnError(f"--tb-images must be at least 1, got {cfg.tb_images}")
        from hwcnn.data.encoding import to_float

        st.tb_x = to_float(st.test_split(cfg, st.dataset).images[: cfg.tb_images])
    st.qmodel, st.tb_y = export_checked(st.model, st.tb_x)
    if cfg.qonnx_out is not None:
        save_qonnx(st.qmodel, cfg.qonnx_out, inside_output=True)
    return None


def convert(cfg: RunConfig, st: RunState) -> str | None:
    """QONNX -> hls4ml HLS project with lossless minimal types, checked == QONNX, unless the project is current."""
    from hwcnn.export import load_qonnx
    from hwcnn.hlsgen import convert as hls_convert
    from hwcnn.qonnx_exec import execute_qonnx
    from hwcnn.qonnx_transforms import exact_reference
    from hwcnn.verify import check_against_qonnx

    project = Project(_project(cfg))
    source = st.source_of(cfg)
    if _project_is_current(cfg, st):  # also when another hwcnn process made it while this one exported
        return "the project is current: same source (sha256) and settings"
    if st.qmodel is None:
        if cfg.qonnx is None:
            raise HwcnnError("the convert step needs the export step first (or a QONNX file)")
        st.qmodel = load_qonnx(cfg.qonnx)
    st.exact = st.exact if st.exact is not None else exact_reference(st.qmodel)
    if st.tb_x is None:  # a QONNX file with no dataset: seeded inputs on its input grid
        if cfg.tb_images < 1:
            raise HwcnnError(f"--tb-images must be at least 1, got {cfg.tb_images}")
        parts = hls_convert.split(st.exact)
        hls_convert.check_supported(parts.core)
        st.tb_x = hls_convert.random_inputs(hls_convert.model_input_type(parts),
                                            hls_convert.input_shape(st.qmodel),
                                            cfg.tb_images)
    if st.tb_y is None or st.exact is not st.qmodel:
        st.tb_y = execute_qonnx(st.exact, st.tb_x)
    hls = _fit(cfg, st) if cfg.hls.fit else cfg.hls
    # the project is built aside and checked before it is put in place: a failed check leaves nothing
    with output_dir(project.path, cfg.force, lambda: check_project_place(cfg, st)) as tmp:
        summary = hls_convert.write_project(st.exact, tmp, hls, st.tb_x, st.tb_y, source=source.label,
                                            dataset=st.dataset, extra={"fit": st.fit} if st.fit else None)
        built = BuiltProject.open(tmp)
        summary["check"] = check_against_qonnx(built, st.exact, st.tb_x, st.tb_y, narrowed=bool(cfg.hls.overrides))
        hls_convert.write_records(st.exact, tmp, summary, hls, source=source.label,
                                  source_sha256=source.digest or "", dataset=st.dataset, tb_images=len(st.tb_x),
                                  requested=cfg.hls)
    st.project = built.moved_to(project.path)
    return None


def conversion_lines(summary: dict, project: BuiltProject, seconds: float) -> list[str]:
    """What the convert step made (its precision report `summary`), as a user reads it."""
    from hwcnn.fitting import fit_line

    lines = [f"wrote HLS project {project.path} ({len(summary['layers'])} layers, {seconds:.1f} s); "
             f"types: {project.files.precision_md_path}"]
    if summary.get("fit"):
        lines.append(fit_line(summary["fit"]))
    if summary.get("reuse_factor_chosen_by_hls4ml"):
        lines.append("hls4ml used the nearest reuse factor its kernel can use: " + ", ".join(
            f"{k} {v['used']} (asked {v['asked']})" for k, v in summary["reuse_factor_chosen_by_hls4ml"].items()))
    return lines


def _fit(cfg: RunConfig, st: RunState) -> HlsConfig:
    """--fit: the per-layer strategies and reuse factors that fit the board on the cost model, chosen
    on a probe conversion with every kernel unrolled (hwcnn/fitting.py)."""
    import tempfile
    from dataclasses import replace

    from hwcnn import fitting, rtl
    from hwcnn.hlsgen import convert as hls_convert
    from hwcnn.hlsgen.config import targets

    probe = replace(cfg.hls, fit=False, layer_settings=(), reuse_factor=1, strategy="Latency")
    with tempfile.TemporaryDirectory(prefix="hwcnn-fit-") as tmp:
        source = st.source_of(cfg)
        hls_convert.convert(st.qmodel, Path(tmp) / "probe", probe, st.tb_x[:1], st.tb_y[:1], source=source.label,
                            source_sha256=source.digest or "", dataset=st.dataset)
        built = BuiltProject.open(Path(tmp) / "probe")
    luts = rtl.da4ml_luts(built.desc, built.weights, probe.to_dict(), cfg.data.cache_dir, progress=cfg.progress)
    board = targets()[cfg.hls.board]
    found = fitting.fit(built.desc, built.weights, probe.to_dict(), board["resources"], cfg.hls.fit_margin, luts)
    st.fit = {"board": cfg.hls.board, "margin": cfg.hls.fit_margin,
              "settings": {k: {"strategy": s, "reuse_factor": rf} for k, (s, rf) in found["settings"].items()},
              "estimate_share": found["share"], "estimate_ii": found["total"]["ii"]["value"],
              "source": "the cost model (docs/cost-model.md)"}
    return replace(cfg.hls, fit=False, layer_settings=tuple(  # the manifest records the request (fit)
        (layer, key, str(value)) for layer, (s, rf) in found["settings"].items()
        for key, value in (("strategy", s), ("reuse_factor", rf))))


def csim(cfg: RunConfig, st: RunState) -> str | None:
    """Compile the project with g++ (reused while unchanged) and C-simulate the test images."""
    from hwcnn.hlsgen.csim import build, run_csim

    load_test_images(cfg, st)
    project = st.built(cfg)
    build(project, quiet=not cfg.progress)
    st.csim_core = run_csim(project, project.to_core(st.x[: cfg.csim_images]), jobs=cfg.jobs, progress=cfg.progress)
    st.csim = project.from_core(st.csim_core)
    return None


def simulate(cfg: RunConfig, st: RunState) -> str | None:
    """The bit-exact NumPy simulator on the test images, with overflow counts per layer."""
    load_test_images(cfg, st)
    project = st.built(cfg)
    st.sim = project.simulator.run(project.to_core(st.x[: cfg.sim_images or cfg.csim_images]))
    st.sim_out = project.from_core(st.sim.output.to_float())
    return None


def verify(cfg: RunConfig, st: RunState) -> str | None:
    """Compare simulator, C simulation, QAT (float64) and float twin exactly; write the report."""
    import torch

    from hwcnn.models import load_model_dir
    from hwcnn.report import write_verify_report
    from hwcnn.verify import Outputs, compare, first_divergent_layer, torch_logits, traced_images

    if st.csim is None or st.sim is None:
        raise HwcnnError("the verify step needs the csim and simulate steps first")
    if cfg.model_dir is None and cfg.qonnx is not None:
        return _verify_qonnx(cfg, st)
    float_model, _ = load_model_dir(_float_twin(cfg).path)
    md = _model_dir(cfg)
    _load_model(cfg, st)
    project = st.built(cfg)
    x = st.x[: len(st.csim)]  # the images both implementations ran
    t = time.perf_counter()
    qat = torch_logits(st.model, x, torch.float64)
    st.seconds["qat"] = time.perf_counter() - t
    outs = Outputs(torch_logits(float_model, x, torch.float32), qat, st.csim, st.sim_out[: len(x)],
                   st.csim_core, st.sim.output.to_float()[: len(x)])
    labels = st.labels[: len(x)]
    result = {"model": str(md.path), "dataset": st.dataset, "n_images": len(x), **compare(outs, labels),
              "first_divergent_layer": None, "overflow": st.sim.overflow, "clipped_by_quantizers": st.sim.clipped,
              "project": cfg.shown(project.path), "data_provenance": st.provenance}
    traced, mismatched = traced_images(outs.sim_core, outs.csim_core)
    layer_rows = []
    if mismatched or cfg.report:  # traced for the report, or to locate a mismatch
        first, layer_rows = first_divergent_layer(project, x[traced])
        result["first_divergent_layer"] = first if mismatched else None
    result["first_divergent_layer_qat"] = _qat_divergence(st, outs, x)
    st.result = result
    if cfg.report:
        report_dir, force = _report_place(cfg, st, result)
        write_verify_report(report_dir, result, outs, labels, layer_rows, project, force=force)
    return None


def _report_place(cfg: RunConfig, st: RunState, result: dict) -> tuple[Path, bool]:
    """Where the verify step's report goes, and whether it may replace one: the default report
    lives inside the project hwcnn owns and is regenerated like it. Records times and the path."""
    result["seconds"] = {k: round(v, 2) for k, v in st.seconds.items()}
    result["seconds"]["total"] = round(sum(st.seconds.values()), 1)
    report_dir = Path(cfg.report_dir or Project(cfg.project).report_dir)
    result["report"] = cfg.shown(report_dir / "report.md")
    return report_dir, cfg.force or cfg.report_dir is None


def _qat_divergence(st: RunState, outs, x: np.ndarray) -> str | None:
    """Where the hardware first parts from the QAT model, on one image where they differ: the QONNX
    graph's tensors stand for Brevitas' (the export step checked them equal)."""
    from hwcnn.export import export_checked
    from hwcnn.verify import first_divergence_from_qonnx

    bad = np.flatnonzero(~np.all(outs.qat == outs.csim, axis=1))
    if not len(bad):
        return None
    qmodel = st.qmodel if st.qmodel is not None else export_checked(st.model, x[:1])[0]
    return first_divergence_from_qonnx(qmodel, st.project, x[bad[:1]])


def _float_twin(cfg: RunConfig) -> ModelDir:
    """The model's float twin, checked (verify compares it; checked before any step runs)."""
    md = _model_dir(cfg)
    if md.config().model.quant is None:
        raise HwcnnError(f"{md.path} is a float model; this needs a QAT model (its float twin is compared too)")
    twin = md.float_twin()
    if twin is None:
        raise HwcnnError(f"{md.config_path} names no float_twin; train one and set it")
    if twin.path.resolve() == md.path.resolve():
        raise HwcnnError(f"{md.config_path} names the model itself as its float twin")
    if twin.config().model.quant is not None:
        raise HwcnnError(f"float twin {twin.path} is a quantized model")
    return twin


def _verify_qonnx(cfg: RunConfig, st: RunState) -> None:
    """A QONNX file from anywhere: QONNX execution vs simulator vs C simulation, exactly."""
    from hwcnn.export import load_qonnx
    from hwcnn.qonnx_exec import execute_qonnx
    from hwcnn.report import write_qonnx_report
    from hwcnn.qonnx_transforms import exact_reference
    from hwcnn.verify import (Outputs, compare_qonnx, first_divergent_layer, float32_differences, identical,
                              max_abs_diff, traced_images)

    qmodel = st.qmodel or load_qonnx(cfg.qonnx)
    project = st.built(cfg)
    x = st.x[: len(st.csim)]
    t = time.perf_counter()
    y = execute_qonnx(qmodel, x)
    st.seconds["qonnx"] = time.perf_counter() - t
    sim_core = st.sim.output.to_float()[: len(x)]
    labels = None if st.labels is None else st.labels[: len(x)]
    result = {"model": str(cfg.qonnx), "dataset": st.dataset, "n_images": len(x),
              **compare_qonnx(y, Outputs(None, None, st.csim, st.sim_out[: len(x)], st.csim_core, sim_core), labels),
              "first_divergent_layer": None,
              "overflow": st.sim.overflow, "clipped_by_quantizers": st.sim.clipped, "project": cfg.shown(project.path),
              "inputs": st.provenance, "partition": project.desc["partition"]}
    exact = st.exact if st.exact is not None else exact_reference(qmodel)
    if exact is not qmodel:  # float scales: the exact reference, and where plain float32 parts from it
        t = time.perf_counter()
        y_exact = execute_qonnx(exact, x)
        st.seconds["qonnx_exact"] = time.perf_counter() - t
        result["bit_exact"]["qonnx_exact_vs_csim"] = identical(y_exact, st.csim)
        result["max_abs_diff"]["qonnx_exact_vs_csim"] = max_abs_diff(y_exact, st.csim)
        diffs = float32_differences(qmodel, exact, x, y, y_exact)
        plain_ok = np.all(y == np.reshape(st.csim, np.shape(y)), axis=1)
        # an input passes where plain float32 equals the C simulation or where its difference is explained
        result["bit_exact"]["qonnx_vs_csim_explained"] = float((plain_ok.sum() + diffs["explained"]) / len(x))
        result["float32_differences"] = diffs
    traced, mismatched = traced_images(sim_core, st.csim_core)
    if mismatched:
        result["first_divergent_layer"], _ = first_divergent_layer(project, x[traced])
    st.result = result
    if cfg.report:
        report_dir, force = _report_place(cfg, st, result)
        write_qonnx_report(report_dir, result, project.check, force=force)


STEPS: tuple[Step, ...] = tuple(Step(f.__name__, f.__doc__, f) for f in (export, convert, csim, simulate, verify))
STEP_NAMES = tuple(s.name for s in STEPS)


def run(cfg: RunConfig, start: str = "export", stop: str = "verify", state: RunState | None = None,
        announce: bool = False) -> RunState:
    """Run the steps from `start` to `stop` (inclusive) in order; return what they made."""
    names = list(STEP_NAMES)
    for which in (start, stop):
        if which not in names:
            raise HwcnnError(f"no step {which!r}; the steps are {', '.join(names)}")
    i, j = names.index(start), names.index(stop)
    if i > j:
        raise HwcnnError(f"step {start} comes after {stop}; the steps are {', '.join(names)}")
    st = state or RunState()
    if i <= names.index("convert") <= j and st.qmodel is None:
        check_project_place(cfg, st)  # before any work: a refusal never comes after a long export
    if j >= names.index("verify") and cfg.model_dir is not None:
        _float_twin(cfg)
    for k, step in enumerate(STEPS[i : j + 1], 1):
        if announce:
            print(f"[{k}/{j - i + 1}] {step.name}: {step.doc}", flush=True)
        t = time.perf_counter()
        why = step.fn(cfg, st)
        st.seconds[step.name] = time.perf_counter() - t
        if why is not None:
            st.skipped[step.name] = why
            if announce:
                print(f"      skipped: {why}", flush=True)
    return st


def run_dir(model_dir: Path, out: Path, cfg: RunConfig, stop: str = "verify",
            force: bool = False) -> tuple[dict, RunState]:
    """`hwcnn run`: the steps up to `stop` into a run directory that appears only when complete
    (with --force, the old one is replaced only then)."""
    t0 = time.perf_counter()
    with output_dir(out, force) as tmp:
        rd = RunDir(tmp)
        cfg.model_dir, cfg.project, cfg.qonnx_out, cfg.report_dir = model_dir, rd.project.path, rd.qonnx_path, rd.report_dir
        cfg.force, cfg.shown_as = True, (tmp, Path(out))
        st = run(cfg, "export", stop, announce=True)
        summary = dict(st.result or {"model": str(model_dir), "project": cfg.shown(cfg.project)})
        summary["steps"] = list(STEP_NAMES[: STEP_NAMES.index(stop) + 1])
        summary["steps_seconds"] = {k: round(v, 1) for k, v in st.seconds.items() if k in STEP_NAMES}
        summary["steps_seconds"]["total"] = round(time.perf_counter() - t0, 1)
        replace_json(rd.summary_path, summary)
    if st.project is not None:
        st.project.moved_to(Path(out) / st.project.path.relative_to(tmp))
    return summary, st
