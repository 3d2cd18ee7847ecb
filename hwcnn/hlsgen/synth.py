"""Vendor synthesis of an HLS project, where AMD's tools are on PATH, and its reports beside the estimates.

`run_build` runs the project's own build script (hls4ml writes it) with C synthesis only, and
optionally Vivado logic synthesis; `read_vendor` reads the reports with hls4ml's own parser
(`hls4ml.report.parse_vivado_report`), so what hwcnn shows is what hls4ml users read. Vitis and
Vivado cannot be installed on hwcnn's machines: without them `run_build` says so and nothing runs,
while reports made elsewhere (copied into the project) are still read.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from pathlib import Path

from hwcnn.artifacts import Project
from hwcnn.errors import HwcnnError

# the build command of each backend, as hls4ml 1.3.0's backends run it (VitisBackend.build, VivadoBackend.build)
TOOLS = {"Vitis": "vitis-run", "Vivado": "vivado_hls"}
FIGURES = {"lut": "LUT", "ff": "FF", "dsp": "DSP", "bram18": "BRAM_18K"}


def run_build(project: Path, backend: str, vsynth: bool, timeout_s: float | None) -> None:
    """C synthesis (and with `vsynth`, Vivado synthesis) of the project by its own build script."""
    tool = TOOLS[backend]
    if shutil.which(tool) is None:
        raise HwcnnError(f"hwcnn synth needs {tool} on PATH (AMD {backend} HLS, which cannot be installed here); "
                         "`hwcnn cost` gives the estimates without it, and `hwcnn synth --read-only` reads reports "
                         "made elsewhere and copied into the project")
    opts = dict(reset=0, csim=0, synth=1, cosim=0, validation=0, export=0, vsynth=int(vsynth), fifo_opt=0)
    if backend == "Vitis":
        body = "".join(f"    {k:<10} {v}\n" for k, v in opts.items())
        (Path(project) / "build_opt.tcl").write_text("array set opt {\n" + body + "}\n")
        cmd = ["vitis-run", "--tcl", "build_prj.tcl", "--mode", "hls"]
    else:
        cmd = ["vivado_hls", "-f", "build_prj.tcl", " ".join(f"{k}={v}" for k, v in opts.items())]
    log = Path(project) / "hwcnn_synth.log"
    try:
        with log.open("w") as f:
            r = subprocess.run(cmd, cwd=project, stdout=f, stderr=subprocess.STDOUT, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise HwcnnError(f"{tool} took longer than {timeout_s:.0f} s (log: {log})") from None
    if r.returncode != 0:
        raise HwcnnError(f"{tool} failed with exit status {r.returncode} (log: {log})")


def vendor_figures(project: Path, *, read_only: bool = False, vsynth: bool = False,
                   timeout_s: float | None = None) -> dict:
    """`hwcnn synth PROJECT`: the project's own build (unless `read_only`), then `read_vendor`."""
    hls = Project(project).manifest()["hls"]
    if not read_only:
        if hls.get("board"):
            raise HwcnnError("hwcnn synth builds the core; a --board project's Vivado block design is built with "
                             "its own design.tcl in Vivado")
        run_build(Path(project), hls["backend"], vsynth, timeout_s)
    return read_vendor(Path(project))


def read_vendor(project: Path) -> dict:
    """The vendor's figures from the project's reports, each labelled: {"csynth": {...}, "vsynth": {...}}
    ("csynth": the HLS estimate; "vsynth": Vivado's post-synthesis utilisation), whichever exist."""
    from hls4ml.report import parse_vivado_report

    with contextlib.redirect_stdout(io.StringIO()):  # the parser prints what it could not find
        try:
            report = parse_vivado_report(str(project))
        except (OSError, ValueError, KeyError, UnboundLocalError) as err:
            raise HwcnnError(f"{project}: cannot read the vendor reports: {type(err).__name__}: {err}") from None
    out = {}
    cs = (report or {}).get("CSynthesisReport")
    if cs:
        figures = {k: _int(cs.get(v)) for k, v in FIGURES.items()}
        figures.update(latency_cycles=_int(cs.get("WorstLatency")), ii=_int(cs.get("IntervalMax")),
                       estimated_clock_ns=_number(cs.get("EstimatedClockPeriod")))
        out["csynth"] = {k: v for k, v in figures.items() if v is not None}
    vs = (report or {}).get("VivadoSynthReport")
    if vs:
        figures = {"lut": _int(vs.get("LUT")), "ff": _int(vs.get("FF")), "dsp": _int(vs.get("DSP48E")),
                   "bram36": _number(vs.get("BRAM_18K"))}  # hls4ml's key; Vivado's row is "Block RAM Tile" (36 Kb, halves)
        out["vsynth"] = {k: v for k, v in figures.items() if v is not None}
    if not out:
        raise HwcnnError(f"{project}: no vendor reports found (expected myproject_prj/solution1/syn/report/"
                         "myproject_csynth.xml from C synthesis, vivado_synth.rpt from Vivado synthesis)")
    return out


def _number(text) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _int(text) -> int | None:
    try:
        return int(float(text))
    except (TypeError, ValueError):
        return None


def beside_estimates(vendor: dict, total: dict) -> list[dict]:
    """One row per figure the vendor reports: the estimate, its source, and its relative error."""
    rows = []
    for stage, figures in vendor.items():
        for k, v in figures.items():
            est = total.get("bram18" if k == "bram36" else k)
            if est is None or v is None or k == "estimated_clock_ns":
                continue
            e = est["value"] / 2 if k == "bram36" else est["value"]
            if k == "lut":  # the vendor's LUTs include those used as memory and shift registers
                e += total.get("lutram", {"value": 0})["value"]
            rows.append({"stage": stage, "figure": k, "vendor": v, "estimate": e, "estimate_source": est["source"],
                         "error": (e / v - 1) if v else None})
    return rows


def comparison_table(rows: list[dict]) -> str:
    """`beside_estimates` as a Markdown table."""
    lines = ["| stage | figure | vendor | estimate (source) | error |", "|---|---|---|---|---|"]
    for r in rows:
        err = "" if r["error"] is None else f"{r['error']:+.1%}"
        lines.append(f"| {r['stage']} | {r['figure']} | {r['vendor']:,} | {r['estimate']:,.0f} ({r['estimate_source']}) "
                     f"| {err} |")
    return "\n".join(lines)
