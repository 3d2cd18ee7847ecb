"""The artifacts hwcnn reads and writes, each with one owner: a model directory, an HLS project,
a run directory. Every file name of theirs is written here and nowhere else.

    models/<name>/            ModelDir: config.json, weights.pt, metrics.json, training_curve.png
    <project>/                Project: hls4ml's files (firmware/, build_lib.sh, ...) and hwcnn's:
                              hwcnn_project.json (the manifest: what it was made from, and how),
                              hwcnn_model.json + hwcnn_weights.npz (the hardware description the
                              simulator reads), hwcnn_precision.json/.md (every type and why),
                              README_hwcnn.md, the testbench arrays
    runs/<name>/              RunDir: model.qonnx.onnx, hls/ (a Project), report/, run.json
    ~/.cache/hwcnn/csim/<key>/ CsimBuild: a copy of a project's firmware, compiled by its build
                              script, and build.json (written last: the build is complete)
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from hwcnn.config import ModelDirConfig, from_dict
from hwcnn.errors import HwcnnError
from hwcnn.outputs import read_json

MANIFEST_FORMAT = 1
# the model's split: host pre-processing (float32, QONNX's operations in QONNX's order) -> the core
# (fixed point, hls4ml) -> host post-processing; tensors by their QONNX names
EMPTY_PARTITION = {"host_pre": [], "core": {"inputs": [], "outputs": []}, "host_post": []}


@dataclass(frozen=True)
class ModelDir:
    """A trained model: its configuration, weights (torch.load(..., weights_only=True)), metrics, curve."""

    path: Path

    def __post_init__(self):
        object.__setattr__(self, "path", Path(self.path))

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def config_path(self) -> Path:
        return self.path / "config.json"

    @property
    def weights_path(self) -> Path:
        return self.path / "weights.pt"

    @property
    def metrics_path(self) -> Path:
        return self.path / "metrics.json"

    @property
    def curve_path(self) -> Path:
        return self.path / "training_curve.png"

    def config(self) -> ModelDirConfig:
        """The checked config.json."""
        if not self.path.is_dir():
            raise HwcnnError(f"model directory {self.path} not found")
        return from_dict(ModelDirConfig, read_json(self.config_path, "model config"), str(self.config_path))

    def metrics(self) -> dict:
        return read_json(self.metrics_path, "model metrics")

    def float_twin(self) -> "ModelDir | None":
        twin = self.config().float_twin
        return None if twin is None else ModelDir(Path(os.path.normpath(self.path / twin)))

    def digest(self) -> str:
        """sha256 of what defines the model's function: its configuration and weights."""
        h = hashlib.sha256()
        for p in (self.config_path, self.weights_path):
            try:
                h.update(p.read_bytes())
            except FileNotFoundError:
                raise HwcnnError(f"{p} not found") from None
        return h.hexdigest()


@dataclass(frozen=True)
class Project:
    """An HLS project written by `hwcnn convert`: hls4ml's files plus hwcnn's manifest and description."""

    path: Path

    HLS_NAME = "myproject"  # hls4ml's project (and top function) name

    def __post_init__(self):
        object.__setattr__(self, "path", Path(self.path))

    # hwcnn's files
    @property
    def manifest_path(self) -> Path:
        return self.path / "hwcnn_project.json"

    @property
    def description_path(self) -> Path:
        return self.path / "hwcnn_model.json"

    @property
    def description_weights_path(self) -> Path:
        return self.path / "hwcnn_weights.npz"

    @property
    def precision_json_path(self) -> Path:
        return self.path / "hwcnn_precision.json"

    @property
    def precision_md_path(self) -> Path:
        return self.path / "hwcnn_precision.md"

    @property
    def readme_path(self) -> Path:
        return self.path / "README_hwcnn.md"

    @property
    def host_pre_path(self) -> Path:
        """The host's float32 head, a QONNX graph (only where the model has one: hwcnn/host.py)."""
        return self.path / "hwcnn_host_pre.onnx"

    @property
    def host_post_path(self) -> Path:
        """The host's float32 tail, a QONNX graph (only where the model has one)."""
        return self.path / "hwcnn_host_post.onnx"

    @property
    def tb_input_path(self) -> Path:
        return self.path / "tb_input.npy"

    @property
    def tb_output_path(self) -> Path:
        return self.path / "tb_output.npy"

    @property
    def report_dir(self) -> Path:
        return self.path / "report"

    @property
    def generator_path(self) -> Path:
        """Which hwcnn made the project (kept apart from the manifest, which is reviewed)."""
        return self.path / ".hwcnn_generator.json"

    # hls4ml's files that hwcnn uses
    @property
    def build_script_path(self) -> Path:
        return self.path / "build_lib.sh"

    @property
    def firmware_dir(self) -> Path:
        return self.path / "firmware"

    def firmware_sources(self) -> list[Path]:
        """What the C simulation library is compiled from (its build is current while these are)."""
        p = self.path
        return sorted([*p.glob("firmware/**/*.h"), *p.glob("firmware/**/*.cpp"), *p.glob("firmware/weights/*"),
                       *p.glob("*_bridge.cpp"), self.build_script_path])

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def reviewable_files(self) -> list[Path]:
        """The files that define the design, relative to the project: the generated C++ (firmware,
        weights as headers, bridge, testbench), the HLS scripts and hwcnn's description, types and
        manifest. Left out: hls4ml's verbatim library headers, build products, binary and
        testbench data, the weights' duplicate text files, and files that record where or when the
        project was made (hls4ml_config.yml, the build script's random library stamp)."""
        p = self.path
        generated = [*p.glob("firmware/*.cpp"), *p.glob("firmware/*.h"), *p.glob("firmware/weights/*.h"),
                     *p.glob("*.cpp"), *p.glob("*.tcl")]
        ours = [self.manifest_path, self.description_path, self.precision_json_path, self.precision_md_path,
                self.readme_path]
        return sorted(f.relative_to(p) for f in generated + ours if f.is_file())

    def manifest(self) -> dict:
        """What the project was made from and how; a one-line error for anything else."""
        if not self.path.is_dir():
            raise HwcnnError(f"HLS project {self.path} not found")
        if not self.manifest_path.is_file():
            raise HwcnnError(f"{self.path} is not an hwcnn HLS project ({self.manifest_path.name} missing); "
                             "make one with `hwcnn convert`")
        m = read_json(self.manifest_path, "project manifest")
        if m.get("format") != MANIFEST_FORMAT:
            raise HwcnnError(f"{self.manifest_path}: format {m.get('format')!r} is not {MANIFEST_FORMAT}; "
                             "convert the model again")
        missing = [k for k in ("source", "source_sha256", "dataset", "input_shape", "input_type", "hls")
                   if k not in m]
        if missing:
            raise HwcnnError(f"{self.manifest_path}: missing key {missing[0]!r}; convert the model again")
        return m

    @staticmethod
    def make_manifest(source: str, source_sha256: str, dataset: str | None, input_shape, input_type: str,
                      hls: dict, tb_images: int, partition: dict | None = None) -> dict:
        """`partition`: what the host computes before and after the core (hwcnn.hlsgen.convert.partition)."""
        return {"format": MANIFEST_FORMAT, "source": source, "source_sha256": source_sha256, "dataset": dataset,
                "input_shape": [int(s) for s in input_shape], "input_type": input_type, "hls": hls,
                "tb_images": tb_images, "partition": partition or EMPTY_PARTITION}

    def is_current(self, source_sha256: str, hls: dict, tb_images: int) -> bool:
        """Whether the project holds exactly this source, converted with these settings by this hwcnn."""
        if not self.exists():
            return False
        try:
            m = self.manifest()
            made_by = read_json(self.generator_path, "generator record").get("generator")
        except HwcnnError:
            return False
        return (m["source_sha256"], m["hls"], m.get("tb_images"), made_by) == (source_sha256, hls, tb_images,
                                                                                generator_digest())


@functools.cache
def generator_digest() -> str:
    """sha256 of hwcnn's own code and HLS-side files: a project made by other code is not current."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted([*root.rglob("*.py"), *(root / "hls_files" / "templates").glob("*"),
                     root / "hls_files" / "targets.json"]):
        h.update(str(f.relative_to(root)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class RunDir:
    """The output of `hwcnn run`: every step's artifact of one run of the flow."""

    path: Path

    def __post_init__(self):
        object.__setattr__(self, "path", Path(self.path))

    @property
    def qonnx_path(self) -> Path:
        return self.path / "model.qonnx.onnx"

    @property
    def project(self) -> Project:
        return Project(self.path / "hls")

    @property
    def report_dir(self) -> Path:
        return self.path / "report"

    @property
    def summary_path(self) -> Path:
        return self.path / "run.json"


def default_cache() -> Path:
    """hwcnn's cache (datasets, compiled C simulations): $HWCNN_CACHE or ~/.cache/hwcnn, read when
    asked (not when hwcnn is imported)."""
    return Path(os.environ.get("HWCNN_CACHE", Path.home() / ".cache" / "hwcnn"))


def build_cache_dir() -> Path:
    """Where compiled C simulations are kept: $HWCNN_BUILD_CACHE, else csim/ in hwcnn's cache."""
    if os.environ.get("HWCNN_BUILD_CACHE"):
        return Path(os.environ["HWCNN_BUILD_CACHE"])
    return default_cache() / "csim"


@dataclass(frozen=True)
class CsimBuild:
    """One compiled C simulation in the cache, named by the content of the firmware it was built from
    (so every project with that firmware shares it): the sources as copied from the project, hls4ml's
    build products, and a stamp written when the build completed."""

    key: str

    @property
    def path(self) -> Path:
        return build_cache_dir() / self.key[:32]

    @property
    def stamp_path(self) -> Path:
        return self.path / "build.json"


def qat_model_dirs(root: Path) -> list[ModelDir]:
    """The QAT model directories directly under `root` (the shipped ones: models/), by name."""
    found = []
    for p in sorted(Path(root).iterdir()):
        md = ModelDir(p)
        if md.config_path.is_file() and md.config().model.quant is not None:
            found.append(md)
    return found


def default_qonnx_path(model_dir: ModelDir) -> Path:
    """Where `hwcnn export MODEL_DIR` writes by default: beside the weights."""
    return model_dir.path / "model.qonnx.onnx"


def default_run_dir(model_dir: Path) -> Path:
    """`hwcnn run MODEL_DIR` writes runs/<model name> (`hwcnn run .` included)."""
    return Path("runs") / Path(model_dir).resolve().name
