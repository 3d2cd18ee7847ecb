"""The HLS configuration: every hls4ml setting hwcnn offers, typed, with its one default.

The CLI's options are made from these fields (`hwcnn.cli.parser`), the project manifest records
them (`to_dict`), and `hls4ml_config` turns them into hls4ml's configuration dialect.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, fields, replace
from importlib import resources

from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Rounding

BACKENDS = ("Vitis", "Vivado")
IO_TYPES = ("io_stream", "io_parallel")
STRATEGIES = ("Latency", "Resource")
OVERRIDE_FIELDS = ("result", "accum", "weight", "bias")
DEFAULT_TARGET = "alveo-u250"


def targets() -> dict[str, dict]:
    """The named targets of hls/targets.json (part and clock period)."""
    text = resources.files("hwcnn").joinpath("hls_files", "targets.json").read_text()
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


@dataclass(frozen=True)
class HlsConfig:
    """How hls4ml builds the core (see `hwcnn convert --help`)."""

    backend: str = field(default="Vitis", metadata={"choices": BACKENDS, "help": "hls4ml backend"})
    io_type: str = field(default="io_stream", metadata={"choices": IO_TYPES, "help": "hls4ml I/O style"})
    strategy: str = field(default="Latency", metadata={"choices": STRATEGIES, "help": "hls4ml strategy"})
    reuse_factor: int = field(default=1, metadata={"help": "hls4ml reuse factor (multiplications per multiplier)",
                                                   "range": (1, 65536)})
    part: str = field(default=targets()[DEFAULT_TARGET]["part"], metadata={"help": "FPGA part"})
    clock_period: float = field(default=targets()[DEFAULT_TARGET]["clock_period_ns"],
                                metadata={"help": "clock period in ns", "range": (0, 1000, True)})
    board: str | None = field(default=None, metadata={
        "choices": tuple(sorted(targets())),
        "help": "a board of hls4ml's VivadoAccelerator backend: the core inside its AXI-stream wrapper, with the "
                "board's block design and PYNQ driver; sets the part (and the clock unless given) and the backend "
                "Vivado"})
    fit: bool = field(default=False, metadata={
        "help": "with --board: choose each Dense/Conv layer's strategy and reuse factor so that the cost model's "
                "estimate fits the board within --fit-margin, at the lowest initiation interval found"})
    fit_margin: float = field(default=0.8, metadata={
        "help": "with --fit: the share of each of the board's resources the design may take", "range": (0, 1, True)})
    # user overrides of hwcnn's types: (layer, field, type), field one of OVERRIDE_FIELDS
    overrides: tuple[tuple[str, str, str], ...] = ()
    # hls4ml's per-layer settings: (layer, "reuse_factor" | "strategy", value as text)
    layer_settings: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self):
        for f in fields(self):
            choices = f.metadata.get("choices")
            if choices and getattr(self, f.name) not in choices and not (f.name == "board" and self.board is None):
                raise HwcnnError(f"{f.name} = {getattr(self, f.name)!r}; expected one of {', '.join(choices)}")
        if self.board is not None and self.backend != "Vivado":
            raise HwcnnError(f"--board {self.board} builds hls4ml's VivadoAccelerator project, a Vivado HLS flow: "
                             f"use --backend Vivado (or leave it out), not {self.backend}")
        if self.board is not None and self.part != targets()[self.board]["part"]:
            raise HwcnnError(f"--board {self.board} has the part {targets()[self.board]['part']}, not {self.part}")
        if self.fit and self.board is None:
            raise HwcnnError("--fit chooses strategies and reuse factors for a board: give --board NAME")
        if self.fit and self.layer_settings:
            raise HwcnnError("--fit chooses every layer's strategy and reuse factor: give --fit or --layer-setting, "
                             "not both")
        if not (math.isfinite(self.fit_margin) and 0 < self.fit_margin <= 1):
            raise HwcnnError(f"--fit-margin must be in (0, 1], got {self.fit_margin}")
        for layer, key, value in self.layer_settings:
            if key == "strategy" and value not in STRATEGIES:
                raise HwcnnError(f"--layer-setting {layer}.strategy={value}: expected one of {', '.join(STRATEGIES)}")
            if key == "reuse_factor" and not (re.fullmatch(r"[1-9][0-9]{0,5}", value) and int(value) <= 65536):
                raise HwcnnError(f"--layer-setting {layer}.reuse_factor={value}: expected a whole number in [1, 65536]")
        if not isinstance(self.reuse_factor, int) or self.reuse_factor < 1:
            raise HwcnnError(f"--reuse-factor must be >= 1, got {self.reuse_factor}")
        if not (math.isfinite(self.clock_period) and self.clock_period > 0):
            raise HwcnnError(f"--clock-period must be a positive number of ns, got {self.clock_period}")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", self.part):
            raise HwcnnError(f"--part {self.part!r} is not an FPGA part name (like xcu250-figd2104-2L-e)")
        for layer, fieldname, text in self.overrides:
            if fieldname not in OVERRIDE_FIELDS:
                raise HwcnnError(f"--precision {layer}.{fieldname}: FIELD must be one of {', '.join(OVERRIDE_FIELDS)}")
            try:
                t = FixedType.parse(text)
            except ValueError as err:
                raise HwcnnError(f"--precision {layer}.{fieldname}={text}: {err}") from None
            if t.integer > t.width and t.rounding not in (Rounding.TRN, Rounding.TRN_ZERO):
                raise HwcnnError(f"--precision {layer}.{fieldname}={text}: rounding into a type with more integer bits "
                                 "than bits aborts the C simulation (the ap_fixed headers assert, reading a bit beyond "
                                 "the MSB); use TRN, or at most as many integer bits as bits")

    @classmethod
    def for_target(cls, target: str | None, **settings) -> "HlsConfig":
        """The target's part and clock, unless `settings` names them; a board is its own target."""
        board = settings.get("board")
        if board is not None:
            if target is not None and target != board:
                raise HwcnnError(f"--target {target} and --board {board} name different parts; give one")
            target = board
            settings.setdefault("backend", "Vivado")
        if target is not None:
            known = targets()
            if target not in known:
                raise HwcnnError(f"--target {target!r}: unknown; expected one of {', '.join(known)}")
            settings.setdefault("part", known[target]["part"])
            settings.setdefault("clock_period", float(known[target]["clock_period_ns"]))
        return cls(**settings)

    @property
    def hls4ml_backend(self) -> str:
        """The hls4ml backend that builds the project: a board's is VivadoAccelerator."""
        return "VivadoAccelerator" if self.board else self.backend

    def to_dict(self) -> dict:
        d = asdict(self)
        d["overrides"] = sorted(f"{layer}.{f}={t}" for layer, f, t in self.overrides)  # order does not matter
        d["layer_settings"] = sorted(f"{layer}.{k}={v}" for layer, k, v in self.layer_settings)
        return d

    def with_overrides(self, overrides) -> "HlsConfig":
        return replace(self, overrides=tuple(overrides))


def valid_resource_reuse_factors(n_in: int, n_out: int) -> tuple[int, ...]:
    """The reuse factors hls4ml's Resource kernels of n_in x n_out weights accept (hls4ml asks, and
    replaces any other by the nearest of these)."""
    from hls4ml.backends import get_backend

    return tuple(get_backend("Vivado").get_valid_reuse_factors(n_in, n_out))


def parse_layer_settings(items: list[str]) -> tuple[tuple[str, str, str], ...]:
    """`LAYER.reuse_factor=N` / `LAYER.strategy=Resource` strings -> ((layer, key, value), ...)."""
    out = []
    for item in items:
        m = re.fullmatch(r"([^.=\s]+)\.(reuse_factor|strategy)=(\S+)", item)
        if not m:
            raise HwcnnError(f"--layer-setting {item!r}: expected LAYER.reuse_factor=N or LAYER.strategy=Latency|Resource, "
                             "e.g. Conv2D_Conv_2.reuse_factor=64")
        if any((layer, k) == (m.group(1), m.group(2)) for layer, k, _ in out):
            raise HwcnnError(f"--layer-setting {item!r}: {m.group(1)}.{m.group(2)} is set twice")
        out.append((m.group(1), m.group(2), m.group(3)))
    return tuple(out)


def parse_overrides(items: list[str]) -> tuple[tuple[str, str, str], ...]:
    """`LAYER.FIELD=TYPE` strings -> ((layer, field, type), ...); the type must parse."""
    out = []
    for item in items:
        m = re.fullmatch(r"([^.=\s]+)\.(result|accum|weight|bias)=(\S+)", item)
        if not m:
            raise HwcnnError(f"--precision {item!r}: expected LAYER.FIELD=TYPE with FIELD one of result, accum, "
                             f"weight, bias, e.g. Conv2D_Conv_0.accum=fixed<12,4,TRN,SAT>")
        try:
            FixedType.parse(m.group(3))
        except ValueError as err:
            raise HwcnnError(f"--precision {item!r}: {err}") from None
        if any((layer, f) == (m.group(1), m.group(2)) for layer, f, _ in out):
            raise HwcnnError(f"--precision {item!r}: {m.group(1)}.{m.group(2)} is overridden twice")
        out.append((m.group(1), m.group(2), m.group(3)))
    return tuple(out)
