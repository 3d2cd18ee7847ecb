"""One handler per subcommand: arguments -> typed configurations -> the module that does the work.

Outputs named on the command line (--out, --report, --project; --json in hwcnn/cli/__init__.py) are
checked before any work starts, so a long run is never refused at its end.
"""

from __future__ import annotations

import tempfile
from dataclasses import fields
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.outputs import check_free, write_json


def _data(args):
    from hwcnn.data import DataSource

    return DataSource(args.data_dir, args.cache_dir)


def _hls_given(args) -> dict:
    """The HLS options given on the command line, one per HlsConfig field (hwcnn/cli/parser.py)."""
    from hwcnn.hlsgen.config import HlsConfig

    return {f.name: getattr(args, f.name) for f in fields(HlsConfig) if getattr(args, f.name, None) is not None
            and f.name not in ("overrides", "layer_settings")}


def _hls(args):
    from hwcnn.hlsgen.config import HlsConfig, parse_layer_settings, parse_overrides

    return HlsConfig.for_target(args.target, **_hls_given(args), overrides=parse_overrides(args.precision),
                                layer_settings=parse_layer_settings(args.layer_setting))


def _json_out(args, result: dict) -> int:
    if args.json is not None:
        write_json(args.json, result, force=args.force)
    return 0


# ---- data, train, evaluate ------------------------------------------------------------------

def data(args) -> int:
    """`hwcnn data NAME`: fetch into the cache (or read --data-dir), print provenance and sizes."""
    from hwcnn.data import describe

    result, lines = describe(args.dataset, data_dir=args.data_dir, cache_dir=args.cache_dir)
    print("\n".join(lines))
    return _json_out(args, result)


def train(args) -> int:
    """`hwcnn train`: build the configs from the arguments and train the model directory."""
    from hwcnn.config import TrainConfig
    from hwcnn.train import TrainOptions, train_from_options

    given = {f.name: getattr(args, f.name, None) for f in fields(TrainConfig) if f.name != "init_from"}
    overrides = {k: v for k, v in given.items() if v is not None and v is not False}  # False: a flag not given
    options = TrainOptions(**{f.name: getattr(args, f.name) for f in fields(TrainOptions)})
    metrics, line = train_from_options(options, overrides)
    print(line)
    return _json_out(args, {k: v for k, v in metrics.items() if k != "history"})


def evaluate(args) -> int:
    """`hwcnn evaluate MODEL_DIR`: the accuracy on the official test set (or its first --n images)."""
    from hwcnn.train import evaluate_model_dir

    result, line = evaluate_model_dir(args.model_dir, data_dir=args.data_dir, cache_dir=args.cache_dir, n=args.n)
    print(line)
    return _json_out(args, result)


# ---- the flow's steps -------------------------------------------------------------------------

def export(args) -> int:
    """`hwcnn export MODEL_DIR`: the export step alone, its graph written to --out."""
    from hwcnn import pipeline
    from hwcnn.artifacts import ModelDir, default_qonnx_path
    from hwcnn.export import qonnx_passes, save_qonnx

    out = Path(args.out) if args.out is not None else default_qonnx_path(ModelDir(args.model_dir))
    check_free(out, args.force)
    cfg = pipeline.RunConfig(model_dir=args.model_dir, tb_images=args.tb_images, data=_data(args))
    st = pipeline.run(cfg, "export", "export")
    save_qonnx(st.qmodel, out, force=args.force)
    result = {"model": str(args.model_dir), "qonnx": str(out), "passes": [n for n, _ in qonnx_passes()],
              "checked_images": len(st.tb_x), "qonnx_vs_brevitas_max_abs_diff": 0.0,
              "seconds": round(st.seconds["export"], 2)}
    print(f"wrote {out} (QONNX execution == Brevitas on {len(st.tb_x)} test images; passes: "
          f"{', '.join(result['passes'])})")
    return _json_out(args, result)


def convert(args) -> int:
    """`hwcnn convert SOURCE --out DIR`: export (for a model directory) and convert."""
    from hwcnn import pipeline
    from hwcnn.outputs import read_json

    check_free(args.out, args.force)
    cfg = pipeline.RunConfig(project=args.out, hls=_hls(args), tb_images=args.tb_images, data=_data(args),
                             force=args.force, reuse=False, **_source(args.source))
    st = pipeline.run(cfg, "export" if cfg.model_dir else "convert", "convert")
    summary = read_json(st.project.files.precision_json_path, "precision report")
    print("\n".join(pipeline.conversion_lines(summary, st.project, st.seconds["convert"])))
    return _json_out(args, summary)


def _source(source: Path) -> dict:
    """RunConfig's source fields for a model directory or a QONNX file."""
    source = Path(source)
    if source.is_dir():
        return {"model_dir": source}
    if source.is_file():
        return {"qonnx": source}
    raise HwcnnError(f"{source} does not exist (give a model directory or a .onnx QONNX file)")


def _project_state(args, **options):
    """(RunConfig, RunState) of a step on an existing project, its inputs loaded before the clock starts."""
    from hwcnn import pipeline

    cfg = pipeline.RunConfig(project=args.project, data=_data(args), inputs=args.inputs, **options)
    st = pipeline.RunState()
    st.built(cfg)  # a one-line error for what is not an hwcnn project
    pipeline.load_test_images(cfg, st)
    return cfg, st


def csim(args) -> int:
    """`hwcnn csim PROJECT`: the csim step alone, checked against the simulator and the testbench."""
    from hwcnn import pipeline
    from hwcnn.hlsgen.csim import build
    from hwcnn.verify import csim_report, testbench, verdict

    cfg, st = _project_state(args, csim_images=args.n, jobs=args.jobs)
    tb = testbench(st.project)  # read and checked before any C simulation runs
    build(st.project)  # compiled before the clock starts: images/s without the compile
    st = pipeline.run(cfg, "csim", "csim", state=st)
    result, lines = csim_report(st, tb, args.jobs)
    print("\n".join(lines))
    _json_out(args, result)
    return 0 if verdict(result["bit_exact"], st.project.check).ok else 1


def simulate(args) -> int:
    """`hwcnn simulate PROJECT`: the simulate step alone, on the project's dataset."""
    from hwcnn import pipeline
    from hwcnn.verify import simulate_report

    cfg, st = _project_state(args, csim_images=args.n)
    result, lines = simulate_report(pipeline.run(cfg, "simulate", "simulate", state=st))
    print("\n".join(lines))
    return _json_out(args, result)


def verify(args) -> int:
    """`hwcnn verify MODEL_DIR`: export and convert unless the project is current, then every check."""
    from hwcnn import pipeline
    from hwcnn.artifacts import default_run_dir
    from hwcnn.golden import update_golden
    from hwcnn.verify import print_summary, verdict

    check_free(args.report, args.force)
    source = _source(args.model_dir)
    onnx = "qonnx" in source
    if not onnx and args.inputs is not None:
        raise HwcnnError("--inputs: a model directory is verified on its dataset's test images (its accuracy and "
                         "the float twin's need labels); give --inputs with a QONNX file")
    project = args.project or default_run_dir(Path(args.model_dir).with_suffix("") if onnx else args.model_dir) / "hls"
    cfg = pipeline.RunConfig(project=project, hls=_hls(args), csim_images=args.n, tb_images=args.tb_images,
                             jobs=args.jobs, report_dir=args.report, force=args.force,
                             replace_stale=args.project is None, data=_data(args), inputs=args.inputs, **source)
    st = pipeline.run(cfg, "convert" if onnx else "export", "verify")
    result = st.result
    ok = verdict(result["bit_exact"], st.project.check).ok
    print_summary(result)
    _json_out(args, result)
    if args.update_golden and not onnx:
        if not ok:
            raise HwcnnError("the C simulation fails its checks; not writing golden vectors from a broken state")
        path = update_golden(args.model_dir, st.project, args.golden_dir, cfg.data)
        print(f"  golden     rewrote {path}")
    return 0 if ok else 1


def run(args) -> int:
    """`hwcnn run [MODEL_DIR]`: the steps into a run directory (runs/<model name> by default)."""
    from hwcnn import pipeline
    from hwcnn.artifacts import default_run_dir
    from hwcnn.fitting import fit_line
    from hwcnn.verify import print_summary, verdict

    model_dir = Path(args.model_dir)
    if not model_dir.is_dir():
        raise HwcnnError(f"model directory {model_dir} not found (run from the repository root, or name one)")
    out = Path(args.out) if args.out is not None else default_run_dir(model_dir)
    check_free(out, args.force)
    cfg = pipeline.RunConfig(project=out, hls=_hls(args), csim_images=args.n_csim, tb_images=args.tb_images,
                             jobs=args.jobs, data=_data(args))
    summary, st = pipeline.run_dir(model_dir, out, cfg, stop=args.stop, force=args.force)
    if st.fit:
        print(fit_line(st.fit))
    if "bit_exact" in summary:
        print_summary(summary)
    steps = summary["steps_seconds"]
    print(f"done in {steps['total']} s: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items() if k != "total")
          + f"; wrote {out}")
    _json_out(args, summary)
    return 0 if "bit_exact" not in summary or verdict(summary["bit_exact"], st.project.check).ok else 1


# ---- studies and cost -------------------------------------------------------------------------

def study(args) -> int:
    """`hwcnn study STUDY.toml | FLOAT_MODEL_DIR`: run what is not done, or show --status."""
    from hwcnn import study as studies

    spec = studies.from_source(args.source, wbits=args.wbits, abits=args.abits, epochs=args.epochs, seed=args.seed,
                               budgets=tuple(args.budget))
    out = Path(args.out or Path("runs") / spec.name)
    if args.status:
        result, lines = studies.status_report(spec, out)
    else:
        result = studies.run_study(spec, out, _data(args), jobs=args.jobs, ray=args.ray, force=args.force)
        lines = studies.summary_lines(result, out)
    print("\n".join(lines))
    _json_out(args, result)
    return 0 if args.status or result["failed"] == 0 else 1


def cost(args) -> int:
    """`hwcnn cost PROJECT|MODEL_DIR`: every figure per layer and in total, each with its source."""
    from hwcnn.artifacts import Project

    if Project(args.source).exists():
        given = [k for k in ("target", *_hls_given(args)) if k != "board" and getattr(args, k) is not None]
        given += [k for k in ("precision", "layer_setting") if getattr(args, k)]
        if given:
            raise HwcnnError(f"{args.source} is a project: its HLS settings are its own (--{given[0].replace('_', '-')} "
                             "applies to a MODEL_DIR); convert again to cost other settings")
        return _cost(args, Path(args.source))
    from hwcnn.artifacts import ModelDir

    if not ModelDir(args.source).config_path.is_file():
        raise HwcnnError(f"{args.source} is neither an hwcnn HLS project nor a trained model directory")
    from hwcnn import pipeline

    with tempfile.TemporaryDirectory(prefix="hwcnn-cost-") as tmp:
        project = Path(tmp) / "hls"
        cfg = pipeline.RunConfig(project=project, model_dir=Path(args.source), hls=_hls(args), data=_data(args),
                                 progress=False)
        pipeline.run(cfg, "export", "convert")
        return _cost(args, project, shown=f"{args.source} (converted: {cfg.hls.io_type}, {cfg.hls.strategy})")


def _cost(args, project: Path, shown: str | None = None) -> int:
    from hwcnn.cost import cost_report

    result, lines = cost_report(project, args.cache_dir, not args.no_da4ml, args.board, shown)
    print("\n".join(lines))
    return _json_out(args, result)


def synth(args) -> int:
    """`hwcnn synth PROJECT`: the vendor's figures (where its tools are on PATH) beside the estimates."""
    from hwcnn.cost import project_cost
    from hwcnn.hlsgen.synth import beside_estimates, comparison_table, vendor_figures

    vendor = vendor_figures(Path(args.project), read_only=args.read_only, vsynth=args.vsynth, timeout_s=args.timeout)
    rows = beside_estimates(vendor, project_cost(Path(args.project), args.cache_dir, not args.no_da4ml)[1])
    print(comparison_table(rows))
    return _json_out(args, {"project": str(args.project), "vendor": vendor, "comparison": rows})


def rtl(args) -> int:
    """`hwcnn rtl PROJECT`: each kernel as Verilog (da4ml), emulated by Verilator against the simulator
    on real images, counted by Yosys."""
    from hwcnn import pipeline, rtl as rtl_mod
    from hwcnn.verify import what

    rtl_mod.require_tools(yosys=not args.no_yosys)
    cfg = pipeline.RunConfig(project=args.project, csim_images=args.n, data=_data(args), inputs=args.inputs)
    st = pipeline.RunState()
    project = st.built(cfg)  # a one-line error for what is not an hwcnn project
    out = args.out if args.out is not None else project.path / "rtl"
    check_free(out, args.force)
    pipeline.load_test_images(cfg, st)
    result = rtl_mod.check_project(
        project, st.x, out, what=what(st), inputs=st.provenance, force=args.force, cache=args.cache_dir,
        layers=[s for s in args.layers.split(",") if s] if args.layers else None,
        yosys_budget_s=None if args.no_yosys else args.yosys_budget, jobs=args.jobs)
    _json_out(args, result)
    return 0 if result["bit_exact"] else 1
