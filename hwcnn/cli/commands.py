"""One handler per subcommand: arguments -> typed configurations -> the module that does the work.

Outputs named on the command line (--out, --json, --report, --project) are checked before any
work starts, so a long run is never refused at its end.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.outputs import check_free, write_json

REPO_MODELS = Path(__file__).resolve().parents[2] / "models"  # the shipped models (their recipes are presets)


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
    from hwcnn.data import DATASETS, load_splits, prepare
    from hwcnn.data.encoding import PIXEL_HLS_TYPE

    check_free(args.json, args.force)
    prepare(args.dataset, data_dir=args.data_dir, cache_dir=args.cache_dir)  # the files' sha256 checked again
    splits = load_splits(args.dataset, data_dir=args.data_dir, cache_dir=args.cache_dir)
    record = splits["test"].provenance
    where = args.data_dir if args.data_dir is not None else Path(args.cache_dir) / args.dataset
    print(f"{args.dataset}: source {record['source']} ({where})")
    for entry in record["files"]:
        print(f"  {entry['file']}  sha256 {entry['sha256']}")
    summary = {}
    for name, sp in splits.items():
        counts = np.bincount(sp.labels, minlength=DATASETS[args.dataset].num_classes).tolist()
        summary[name] = {"n": len(sp.labels), "shape": list(sp.images.shape), "label_counts": counts}
        print(f"  {name:5}  {len(sp.labels):6} images  uint8 {list(sp.images.shape[1:])} "
              f"({PIXEL_HLS_TYPE} codes)  per class {counts}")
    _json_out(args, {"dataset": args.dataset, "provenance": record, "splits": summary})
    return 0


def _parse_layer_bits(items: list[str]):
    from hwcnn.config import LayerBits

    layers = {}
    for item in items:
        name, sep, bits = item.partition("=")
        w, sep2, a = bits.partition(",")
        if not (sep and sep2 and w.strip().isdigit() and a.strip().isdigit()):
            raise HwcnnError(f"--layer-bits {item!r}: expected LAYER=W,A, e.g. conv1=8,4")
        layers[name] = LayerBits(int(w), int(a))
    return layers


def train(args) -> int:
    """`hwcnn train`: build the configs from the arguments and train the model directory."""
    import torch

    from hwcnn.artifacts import ModelDir
    from hwcnn.config import ModelConfig, QuantConfig, TrainConfig, from_dict, to_dict
    from hwcnn.data import dataset_info
    from hwcnn.models import build_model
    from hwcnn.train import default_train_config, default_variant, train_model_dir

    if args.threads is not None and args.threads < 1:
        raise HwcnnError(f"--threads {args.threads} must be >= 1")
    check_free(args.json, args.force)
    torch.set_num_threads(args.threads or os.cpu_count() or 1)
    info = dataset_info(args.dataset)
    quant = None if args.float_model else QuantConfig(args.wbits, args.abits, layers=_parse_layer_bits(args.layer_bits),
                                                      weight_scale=args.weight_scale)
    if args.float_model and args.layer_bits:
        raise HwcnnError("--layer-bits needs a quantized model (drop --float)")
    if args.float_model and args.weight_scale != "max":
        raise HwcnnError("--weight-scale needs a quantized model (drop --float)")
    if args.batch_norm and not args.float_model:
        raise HwcnnError("--batch-norm needs --float: a QAT model has no batch norm (it does not convert); "
                         "train the float twin with batch norm and --init-from it, which folds it")
    mc = ModelConfig(arch=args.arch, variant=args.variant or default_variant(args.arch, args.dataset),
                     dataset=args.dataset, in_channels=info.channels, num_classes=info.num_classes, quant=quant,
                     batch_norm=args.batch_norm, dropout=args.dropout)
    build_model(mc)  # unknown arch, variant or layer names fail before any data is loaded
    out = Path(args.out)
    init_from = float_twin = None
    if args.init_from is not None:
        init_cfg = ModelDir(args.init_from).config().model
        if (init_cfg.arch, init_cfg.variant, init_cfg.dataset) != (mc.arch, mc.variant, mc.dataset):
            raise HwcnnError(f"--init-from {args.init_from} is a {init_cfg.arch} {init_cfg.variant} on "
                             f"{init_cfg.dataset}, not a {mc.arch} {mc.variant} on {mc.dataset}")
        init_from = os.path.relpath(Path(args.init_from).resolve(), out.resolve())
    twin_arg = args.float_twin or (args.init_from if quant is not None else None)
    if twin_arg is not None:
        if ModelDir(twin_arg).config().model.quant is not None:
            raise HwcnnError(f"float twin {twin_arg} is a quantized model")
        float_twin = Path(twin_arg)
    tc = default_train_config(mc.arch, quantized=quant is not None, initialised=init_from is not None)
    tc = replace(tc, seed=args.seed, init_from=init_from,
                 **{k: v for k, v in (("epochs", args.epochs), ("batch_size", args.batch_size), ("lr", args.lr),
                                      ("schedule", args.schedule), ("weight_decay", args.weight_decay),
                                      ("augment_shift", args.augment_shift),
                                      ("augment_flip", args.augment_flip or None), ("distill", args.distill),
                                      ("ema", args.ema), ("equalize", args.equalize or None))
                    if v is not None})
    tc = from_dict(TrainConfig, to_dict(tc), "training settings")  # re-checks the overridden values
    metrics = train_model_dir(out, mc, tc, float_twin=float_twin, data_dir=args.data_dir, cache_dir=args.cache_dir,
                              force=args.force, resume=args.resume)
    print(f"{out}: test accuracy {metrics['test_accuracy']:.4f} (valid {metrics['valid_accuracy']:.4f}, "
          f"best epoch {metrics['best_epoch']}), {metrics['seconds_per_epoch']:.1f} s/epoch")
    _json_out(args, {k: v for k, v in metrics.items() if k != "history"})
    return 0


def evaluate(args) -> int:
    """`hwcnn evaluate MODEL_DIR`: the accuracy on the official test set (or its first --n images)."""
    import torch

    from hwcnn.models import load_model_dir
    from hwcnn.train import evaluate as evaluate_model, load_arrays

    check_free(args.json, args.force)
    torch.set_num_threads(os.cpu_count() or 1)
    model, mc = load_model_dir(args.model_dir)
    test = load_arrays(mc.dataset, "test", data_dir=args.data_dir, cache_dir=args.cache_dir, n=args.n)
    loss, acc = evaluate_model(model, test, progress="test")
    kind = "float" if mc.quant is None else f"QAT w{mc.quant.weight_bits}a{mc.quant.act_bits}"
    print(f"{args.model_dir}: {mc.arch} {mc.variant} ({kind}) on {mc.dataset} test: "
          f"accuracy {acc:.4f} ({round(acc * len(test))}/{len(test)}), loss {loss:.4f}")
    _json_out(args, {"model": str(args.model_dir), "dataset": mc.dataset, "n_images": len(test),
                     "accuracy": acc, "loss": loss})
    return 0


# ---- the flow's steps -------------------------------------------------------------------------

def export(args) -> int:
    """`hwcnn export MODEL_DIR`: the export step alone, its graph written to --out."""
    from hwcnn import pipeline
    from hwcnn.artifacts import ModelDir, default_qonnx_path
    from hwcnn.export import qonnx_passes, save_qonnx

    out = Path(args.out) if args.out is not None else default_qonnx_path(ModelDir(args.model_dir))
    check_free(out, args.force)
    check_free(args.json, args.force)
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
    check_free(args.json, args.force)
    cfg = pipeline.RunConfig(project=args.out, hls=_hls(args), tb_images=args.tb_images, data=_data(args),
                             force=args.force, reuse=False, **_source(args.source))
    st = pipeline.run(cfg, "export" if cfg.model_dir else "convert", "convert")
    summary = read_json(st.project.files.precision_json_path, "precision report")
    print(f"wrote HLS project {args.out} ({len(summary['layers'])} layers, {st.seconds['convert']:.1f} s); "
          f"types: {st.project.files.precision_md_path}")
    if summary.get("fit"):
        print(_fit_line(summary["fit"]))
    if summary.get("reuse_factor_chosen_by_hls4ml"):
        print("hls4ml used the nearest reuse factor its kernel can use: " + ", ".join(
            f"{k} {v['used']} (asked {v['asked']})" for k, v in summary["reuse_factor_chosen_by_hls4ml"].items()))
    return _json_out(args, summary)


def _source(source: Path) -> dict:
    """RunConfig's source fields for a model directory or a QONNX file."""
    source = Path(source)
    if source.is_dir():
        return {"model_dir": source}
    if source.is_file():
        return {"qonnx": source}
    raise HwcnnError(f"{source} does not exist (give a model directory or a .onnx QONNX file)")


def _fit_line(fit: dict) -> str:
    chosen = ", ".join(f"{k} {v['strategy']} RF {v['reuse_factor']}" for k, v in fit["settings"].items())
    share = ", ".join(f"{k} {v:.0%}" for k, v in fit["estimate_share"].items())
    return (f"fitted to {fit['board']} (at most {fit['margin']:.0%} of each resource, by the cost model): {chosen}; "
            f"estimate {share}; II {fit['estimate_ii']:,} cycles")


def _project_state(args, **options):
    """(RunConfig, RunState) of a step on an existing project, its inputs loaded before the clock starts."""
    from hwcnn import pipeline

    check_free(args.json, args.force)
    cfg = pipeline.RunConfig(project=args.project, data=_data(args), inputs=args.inputs, **options)
    st = pipeline.RunState()
    st.built(cfg)  # a one-line error for what is not an hwcnn project
    pipeline.load_test_images(cfg, st)
    return cfg, st


def csim(args) -> int:
    """`hwcnn csim PROJECT`: the csim step alone, checked against the simulator and the testbench."""
    from hwcnn import pipeline
    from hwcnn.hlsgen.csim import build
    from hwcnn.verify import csim_checks, testbench, verdict

    cfg, st = _project_state(args, csim_images=args.n, jobs=args.jobs)
    tb = testbench(st.project)  # read and checked before any C simulation runs
    build(st.project)  # compiled before the clock starts: images/s without the compile
    st = pipeline.run(cfg, "csim", "csim", state=st)
    secs, n = st.seconds["csim"], len(st.csim)
    result = {"project": str(args.project), "dataset": st.dataset, "n_images": n, "images_per_second": n / secs,
              "inputs": st.provenance, **csim_checks(st.project, st.x[:n], st.csim, tb, args.jobs)}
    if st.labels is not None:
        result["accuracy"] = float(np.mean(st.csim.argmax(1) == st.labels[:n]))
    print(f"C simulation of {n} {_what(st)}: " + (f"accuracy {result['accuracy']:.4f}, " if "accuracy" in result
                                                     else "") + f"{n / secs:.0f} images/s")
    b = result["bit_exact"]
    print(f"  bit-exact  sim==csim {b['sim_vs_csim']:.4f} on these; testbench (QONNX outputs) == csim "
          f"{b['testbench_vs_csim']:.4f} on the project's {result['testbench_inputs']} testbench inputs"
          + ("" if result["exact_by_construction"] else " (a loss the conversion recorded: overrides or tables)"))
    _json_out(args, result)
    return 0 if verdict(b, st.project.check).ok else 1


def _what(st) -> str:
    return f"{st.dataset} test images" if st.labels is not None else "inputs"


def simulate(args) -> int:
    """`hwcnn simulate PROJECT`: the simulate step alone, on the project's dataset."""
    from hwcnn import pipeline

    cfg, st = _project_state(args, csim_images=args.n)
    st = pipeline.run(cfg, "simulate", "simulate", state=st)
    res, n, secs = st.sim, len(st.x), st.seconds["simulate"]
    result = {"project": str(args.project), "dataset": st.dataset, "n_images": n, "images_per_second": n / secs,
              "overflow": res.overflow, "clipped": res.clipped, "inputs": st.provenance}
    if st.labels is not None:
        result["accuracy"] = float(np.mean(res.output.raw.argmax(1) == st.labels))
    print(f"simulated {n} {_what(st)}: " + (f"accuracy {result['accuracy']:.4f}, " if "accuracy" in result
                                             else "") + f"{n / secs:.0f} images/s")
    print(f"overflow (wrapped or saturated) per layer: {res.overflow or 'none'}")
    if res.clipped:
        print(f"clipped by activation quantizers (part of the model): {res.clipped}")
    return _json_out(args, result)


def verify(args) -> int:
    """`hwcnn verify MODEL_DIR`: export and convert unless the project is current, then every check."""
    from hwcnn import pipeline
    from hwcnn.artifacts import default_run_dir
    from hwcnn.golden import update_golden
    from hwcnn.verify import print_summary, verdict

    check_free(args.report, args.force)
    check_free(args.json, args.force)
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
    if onnx:
        b = result["bit_exact"]
        print(f"{args.model_dir} on {result['n_images']} inputs: sim==csim {b['sim_vs_csim']:.4f}  qonnx==csim "
              f"{b['qonnx_vs_csim']:.4f}  qonnx==sim {b['qonnx_vs_sim']:.4f}; first divergent layer: "
              f"{result['first_divergent_layer']}\n  report     {result['report']}")
    else:
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
    from hwcnn.verify import print_summary, verdict

    model_dir = Path(args.model_dir)
    if not model_dir.is_dir():
        raise HwcnnError(f"model directory {model_dir} not found (run from the repository root, or name one)")
    out = Path(args.out) if args.out is not None else default_run_dir(model_dir)
    check_free(out, args.force)
    check_free(args.json, args.force)
    cfg = pipeline.RunConfig(project=out, hls=_hls(args), csim_images=args.n_csim, tb_images=args.tb_images,
                             jobs=args.jobs, data=_data(args))
    summary, st = pipeline.run_dir(model_dir, out, cfg, stop=args.stop, force=args.force)
    if st.fit:
        print(_fit_line(st.fit))
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
    from hwcnn.artifacts import ModelDir
    from hwcnn.study.spec import parse_budget

    src = Path(args.source)
    check_free(args.json, args.force)
    flags = [f for f in ("wbits", "abits", "epochs", "seed") if getattr(args, f) is not None]
    if src.is_file():
        if flags:
            raise HwcnnError(f"--{flags[0]}: give it in the study file {src} ([axes] / [train])")
        spec = studies.load(src, REPO_MODELS)
    elif ModelDir(src).config_path.is_file():
        md = ModelDir(src)
        if md.config().model.quant is not None:
            md = md.float_twin()
            if md is None:
                raise HwcnnError(f"{src} is a QAT model without a float_twin; give the float model")
        spec = studies.from_flags(md.path, _widths(args.wbits, "wbits"), _widths(args.abits, "abits"),
                                  args.epochs or 1, args.seed or 0)
    else:
        raise HwcnnError(f"{src} is neither a study file nor a model directory")
    for b in args.budget:
        parse_budget(b)
    spec = replace(spec, objectives=replace(spec.objectives, budgets=spec.objectives.budgets + tuple(args.budget)))
    out = Path(args.out or Path("runs") / spec.name)
    if args.status:
        rows = studies.status(spec, out)
        for p, state in rows:
            print(f"{state:8} {p.id}")
        counts = {s: sum(1 for _, x in rows if x == s) for s in ("ok", "failed", "pending")}
        print(f"{out}: {counts['ok']} ok, {counts['failed']} failed, {counts['pending']} pending of {len(rows)} points")
        _json_out(args, {"study": str(out), "points": [{"id": p.id, "status": s} for p, s in rows], **counts})
        return 0
    summary = studies.run_study(spec, out, _data(args), jobs=args.jobs, ray=args.ray, force=args.force)
    for b in summary["budgets"]:
        print(f"{b['question']} ({b['what']}): {b['answer'] or 'no point qualifies'}")
    print(f"wrote {out}/study.md: {summary['ok']} points ok, {summary['failed']} failed "
          f"({summary['ran']} run now, {summary['skipped']} already done)")
    _json_out(args, summary)
    return 0 if summary["failed"] == 0 else 1


def _widths(text: str | None, what: str) -> list[int]:
    from hwcnn.config import MAX_BITS, MIN_BITS

    try:
        widths = sorted({int(t) for t in (text or "2,4,8").split(",") if t.strip()})
    except ValueError:
        raise HwcnnError(f"--{what}: expected comma-separated integers like 2,4,8, got {text!r}") from None
    bad = [w for w in widths if not MIN_BITS <= w <= MAX_BITS]
    if not widths or bad:
        raise HwcnnError(f"--{what}: bit widths must be in {MIN_BITS}..{MAX_BITS}, got {text!r}")
    return widths


def cost(args) -> int:
    """`hwcnn cost PROJECT|MODEL_DIR`: every figure per layer and in total, each with its source."""
    from hwcnn.artifacts import Project

    check_free(args.json, args.force)
    if Project(args.source).exists():
        given = [k for k in ("target", "backend", "io_type", "strategy", "reuse_factor", "part", "clock_period",
                             "fit", "fit_margin") if getattr(args, k) is not None] + \
            (["precision"] if args.precision else []) + (["layer_setting"] if args.layer_setting else [])
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
    from hwcnn.cost import SOURCES, board_use, cost_markdown
    from hwcnn.hlsgen.config import targets

    from hwcnn.rtl import project_cost

    rows, total, hls = project_cost(project, args.cache_dir, not args.no_da4ml, progress=True)
    result = {"source": shown or str(project), "hls": hls, "sources": SOURCES, "layers": rows, "total": total}
    print(f"hardware cost of {shown or project} ({hls['io_type']}, {hls['strategy']}, reuse factor "
          f"{hls['reuse_factor']}, part {hls['part']}); sources: ex = exact count, da4ml, yosys, vendor, "
          "mod = model (docs/cost-model.md)")
    print(cost_markdown(rows, total), end="")
    ii, clock = total["ii"]["value"], float(hls["clock_period"])
    result["throughput_images_per_s"] = {"value": 1e9 / (ii * clock), "source": "model"}
    print(f"throughput (model): {1e9 / (ii * clock):,.0f} images/s at {clock:g} ns (II {ii:,} cycles); "
          f"latency (model): {total['latency_cycles']['value']:,} cycles = "
          f"{total['latency_cycles']['value'] * clock / 1e3:,.1f} us")
    board = args.board or hls.get("board")
    if board is not None:
        if board not in targets():
            raise HwcnnError(f"{project}: board {board!r} is not in hls/targets.json (known: {', '.join(targets())})")
        target = targets()[board]
        use = board_use(total, target["resources"])
        result["board"] = {"name": board, "part": target["part"], "resources": target["resources"],
                           "resources_source": target["resources_source"], **use}
        shares = ", ".join(f"{k} {v:.1%}" for k, v in use["fraction"].items())
        print(f"on {board} ({target['part']}): {shares} -> {'fits' if use['fits'] else 'does NOT fit'}"
              + ("" if hls["part"] == target["part"] else f" (the project was made for {hls['part']})"))
    _json_out(args, result)
    return 0


def synth(args) -> int:
    """`hwcnn synth PROJECT`: the vendor's figures (where its tools are on PATH) beside the estimates."""
    from hwcnn.artifacts import Project
    from hwcnn.hlsgen.synth import beside_estimates, read_vendor, run_build

    check_free(args.json, args.force)
    hls = Project(args.project).manifest()["hls"]
    if not args.read_only:
        if hls.get("board"):
            raise HwcnnError("hwcnn synth builds the core; a --board project's Vivado block design is built with "
                             "its own design.tcl in Vivado")
        run_build(Path(args.project), hls["backend"], args.vsynth, args.timeout)
    vendor = read_vendor(Path(args.project))
    from hwcnn.rtl import project_cost

    _, total, _ = project_cost(Path(args.project), args.cache_dir, not args.no_da4ml)
    rows = beside_estimates(vendor, total)
    print("| stage | figure | vendor | estimate (source) | error |\n|---|---|---|---|---|")
    for r in rows:
        err = "" if r["error"] is None else f"{r['error']:+.1%}"
        print(f"| {r['stage']} | {r['figure']} | {r['vendor']:,} | {r['estimate']:,.0f} ({r['estimate_source']}) | "
              f"{err} |")
    _json_out(args, {"project": str(args.project), "vendor": vendor, "comparison": rows})
    return 0


def rtl(args) -> int:
    """`hwcnn rtl PROJECT`: each kernel as Verilog (da4ml), emulated by Verilator against the simulator
    on real images, counted by Yosys."""
    from hwcnn import hwdesc, pipeline, rtl as rtl_mod
    from hwcnn.artifacts import Project
    from hwcnn.outputs import output_dir

    rtl_mod.require_tools(yosys=not args.no_yosys)
    check_free(args.json, args.force)
    project = Path(args.project)
    desc, weights = hwdesc.load(project)
    out = args.out if args.out is not None else project / "rtl"
    check_free(out, args.force)
    layers = [s for s in args.layers.split(",") if s] if args.layers else None
    cfg = pipeline.RunConfig(project=project, n_images=args.n, data=_data(args), inputs=args.inputs)
    st = pipeline.RunState()
    pipeline.load_test_images(cfg, st)
    part = Project(project).manifest()["hls"]["part"]

    def show(row):
        y = row.get("yosys", {})
        versus = f" ({y['lut'] / row['da4ml']['lut'] - 1:+.1%} vs da4ml)" if y.get("status") == "ok" and \
            row["da4ml"]["lut"] else ""
        counted = (f"Yosys {y['lut']:,} LUT{versus}, {y['carry']:,} carry, {y['ff']:,} FF" if y.get("status") == "ok"
                   else f"Yosys: {y.get('status', 'skipped')}")
        print(f"  {row['layer']:<18} {row['shape'][0]}x{row['shape'][1]}: "
              f"{'identical' if row['bit_exact'] else 'DIFFERS'} on {row['vectors']:,} vectors "
              f"({row['mismatched_vectors']} differ); da4ml {row['da4ml']['lut']:,.0f} LUT; {counted}", flush=True)

    print(f"RTL of {project}'s kernels on {len(st.x)} {_what(st)} (part {part}, Yosys family "
          f"{rtl_mod.yosys_family(part)})")
    t0 = time.perf_counter()
    with output_dir(out, args.force) as tmp:
        rows = rtl_mod.check_kernels(desc, weights, st.x, tmp, part, layers=layers,
                                     yosys_budget_s=None if args.no_yosys else args.yosys_budget,
                                     cache=args.cache_dir, jobs=args.jobs or os.cpu_count() or 1, progress=show)
        result = {"project": str(project), "n_images": len(st.x), "inputs": st.provenance, "part": part,
                  "description_sha256": rtl_mod.description_digest(project), "kernels": rows,
                  "bit_exact": all(r["bit_exact"] for r in rows), "seconds": round(time.perf_counter() - t0, 1)}
        (tmp / rtl_mod.RESULTS_NAME).write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out} ({result['seconds']} s): every kernel "
          f"{'identical in Verilator and the simulator' if result['bit_exact'] else 'checked; some DIFFER'}")
    _json_out(args, result)
    return 0 if result["bit_exact"] else 1
