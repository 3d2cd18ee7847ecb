"""The study directory and the executors that fill it.

    STUDY/spec.json          the study's settings and axes (a rerun with other settings needs --force)
    STUDY/models/<key>/      each trained QAT model (the hardware settings of a width share one)
    STUDY/points/<id>.json   one result per point, written atomically the moment it is known
    STUDY/study.{json,csv,md,png}, heatmap.png, sensitivity.png   the results, rewritten as points finish

A rerun skips the points whose result is there and ok, reruns failed and missing ones, and adds the
points of new axis values: killing a study loses only the points that were running. Points run as
tasks (`hwcnn.study.point.run_task`) on local worker processes or on a Ray cluster, through the same
`Executor.run`; only the driver writes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Iterable, Iterator

from hwcnn.errors import HwcnnError
from hwcnn.outputs import lock, output_dir, read_json, replace_json
from hwcnn.study.point import Task, model_files, read_model_files, run_task
from hwcnn.study.spec import Point, StudySpec, grid, spec_json

MEMORY_PER_WORKER = 3 * 2**30  # a LeNet-5 or small SqueezeNet point's peak (training, g++) with room to spare


def default_jobs() -> int:
    """Points at once on this machine: one per core, as many as the memory holds."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return cores
    return max(1, min(cores, memory // MEMORY_PER_WORKER))


# ---- executors ------------------------------------------------------------------------------------

class LocalExecutor:
    """Tasks on worker processes of this machine (one at a time in this process with jobs=1)."""

    def __init__(self, jobs: int):
        self.jobs = jobs

    def run(self, tasks: list[Task]) -> Iterator[dict]:
        if self.jobs == 1 or len(tasks) == 1:
            for t in tasks:
                yield run_task(t)
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        from hwcnn.hlsgen.csim import die_with_parent

        # spawn: a fresh interpreter per worker (torch and fork do not mix); a killed driver takes them along
        with ProcessPoolExecutor(min(self.jobs, len(tasks)), mp_context=multiprocessing.get_context("spawn"),
                                 initializer=die_with_parent) as pool:
            for f in as_completed([pool.submit(run_task, t) for t in tasks]):
                yield f.result()

    def close(self) -> None:
        pass


class RayExecutor:
    """Tasks on a Ray cluster: `address` an existing one's, or "local" to start one on this machine
    (on the loopback address, no dashboard, no usage statistics)."""

    def __init__(self, address: str, jobs: int):
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        try:
            import ray
        except ImportError:
            raise HwcnnError("--ray needs Ray: pip install 'ray==2.60.0' (or pip install -e '.[ray]')") from None
        self.ray = ray
        try:
            if address == "local":
                ray.init(address="local", num_cpus=jobs, include_dashboard=False, _node_ip_address="127.0.0.1",
                         log_to_driver=False, configure_logging=False)
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        except (ConnectionError, ValueError, RuntimeError) as err:
            raise HwcnnError(f"--ray {address}: cannot connect to a Ray cluster ({str(err).splitlines()[0]})") from None
        self.remote = ray.remote(run_task)

    def run(self, tasks: list[Task]) -> Iterator[dict]:
        ray = self.ray
        pending = [self.remote.options(num_cpus=t.threads).remote(t) for t in tasks]
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            yield ray.get(done[0])

    def close(self) -> None:
        self.ray.shutdown()


# ---- the study directory ---------------------------------------------------------------------------

class StudyDir:
    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def spec_path(self) -> Path:
        return self.path / "spec.json"

    def point_path(self, p: Point) -> Path:
        return self.path / "points" / f"{p.id}.json"

    def model_path(self, key: str) -> Path:
        return self.path / "models" / key

    def result(self, p: Point, digest: str) -> dict | None:
        """The point's recorded result, if it was made with these settings."""
        path = self.point_path(p)
        if not path.is_file():
            return None
        try:
            r = read_json(path, "point result")
        except HwcnnError:
            return None  # damaged: run it again
        return r if r.get("settings_digest") == digest else None

    def trained(self, key: str) -> bool:
        return all(f.is_file() for f in model_files(self.model_path(key))[:3])  # the curve is optional


def _relink(files: dict[str, bytes], float_dir: Path, dest: Path) -> dict[str, bytes]:
    """The trained model's links to its float twin, from the worker's folder to the study's."""
    import json

    config, _, metrics = (f.name for f in model_files(dest)[:3])
    rel = os.path.relpath(float_dir, dest)
    cfg = json.loads(files[config])
    cfg["float_twin"], cfg["train"]["init_from"] = rel, rel
    m = json.loads(files[metrics])
    m["float_twin"], m["model"] = rel, dest.name
    return {**files, config: (json.dumps(cfg, indent=2) + "\n").encode(), metrics: (json.dumps(m, indent=2) + "\n").encode()}


class Driver:
    """Runs the points of a study that are not done and writes each result as it arrives."""

    def __init__(self, spec: StudySpec, out: Path, data, executor, progress: bool = True):
        self.spec, self.dir, self.data, self.executor, self.progress = spec, StudyDir(out), data, executor, progress
        self.digest = spec.digest()
        self.ran = 0
        self.reused: set[str] = set()  # points found done (one point may serve the grid and the sensitivity)

    def tasks(self, points: list[Point]) -> list[Task]:
        from hwcnn.config import LayerBits, QuantConfig, to_dict

        by_key: dict[str, list[Point]] = {}
        for p in points:
            by_key.setdefault(p.train_key, []).append(p)
        tasks = []
        for key, ps in by_key.items():
            p = ps[0]
            quant = QuantConfig(p.weight_bits, p.act_bits, layers={n: LayerBits(w, a) for n, w, a in p.layer_bits},
                                **self.spec.quant)
            float_dir = self.spec.models[p.model]
            tasks.append(Task(key, ps, float_dir.name, read_model_files(float_dir), to_dict(quant), self.spec.train,
                              self.spec.check, self.spec.cost, self.spec.threads,
                              None if self.data.data_dir is None else str(self.data.data_dir),
                              str(self.data.cache_dir),
                              read_model_files(self.dir.model_path(key)) if self.dir.trained(key) else None))
        return tasks

    def run(self, points: Iterable[Point], what: str = "points") -> dict[Point, dict]:
        """The results of these points: recorded ones as they are, the others computed now."""
        from tqdm import tqdm

        points = list(dict.fromkeys(points))
        results = {p: r for p in points if (r := self.dir.result(p, self.digest)) is not None and r["status"] == "ok"}
        todo = [p for p in points if p not in results]
        self.reused.update(p.id for p in results)
        if not todo:
            return results
        by_id = {p.id: p for p in todo}
        bar = tqdm(total=len(todo), desc=f"study {what}", unit="point", disable=not self.progress)
        for out in self.executor.run(self.tasks(todo)):
            key = out["train_key"]
            if out["model_files"] is not None:
                dest = self.dir.model_path(key)
                files = _relink(out["model_files"], self.spec.models[by_id[out["points"][0]["id"]].model], dest)
                with output_dir(dest, force=True) as tmp:
                    for n, data in files.items():
                        (tmp / n).write_bytes(data)
            for r in out["points"]:
                p = by_id[r["id"]]
                r.update(settings_digest=self.digest, model_dir=f"models/{key}",
                         train_seconds=out["train_seconds"], reproduce=reproduce(p, self.dir.path / "models" / key))
                replace_json(self.dir.point_path(p), r)
                results[p] = r
                self.ran += 1
                bar.update(1)
                if r["status"] != "ok":
                    tqdm.write(f"FAILED {p.id}: {r['failure']}", file=sys.stderr)
        bar.close()
        return results


def reproduce(p: Point, model_dir: Path) -> str:
    """The command that builds this point's HLS project again from its trained model."""
    return shlex.join(["hwcnn", "convert", str(model_dir), "--io-type", p.io_type, "--strategy", p.strategy,
                       "--reuse-factor", str(p.reuse_factor), "--out", f"{p.id}-hls"])


def prepare(spec: StudySpec, out: Path, force: bool) -> None:
    """The study directory, made or checked: its settings must be this study's, unless --force."""
    sd = StudyDir(out)
    if out.exists() and not out.is_dir():
        raise HwcnnError(f"{out} exists and is not a study directory")
    if sd.spec_path.is_file():
        old = read_json(sd.spec_path, "study settings")
        if old.get("digest") != spec.digest() and not force:
            changed = [k for k in spec.settings() if old.get(k) != spec.settings()[k]]
            raise HwcnnError(f"{out} holds a study made with other settings ({', '.join(changed) or 'settings'} "
                             "differ); give another --out, or --force to redo its points")
    elif out.exists() and any(out.iterdir()) and not force:
        raise HwcnnError(f"{out} exists and is not a study directory (no spec.json); give another --out or --force")
    out.mkdir(parents=True, exist_ok=True)
    for stale in [*out.glob("points/.hwcnn-*.tmp"), *out.glob("models/.hwcnn-*.tmp"), *out.glob(".hwcnn-*.tmp")]:
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()  # a killed run's (we hold the study's lock)
    replace_json(sd.spec_path, {**spec_json(spec), "digest": spec.digest()})


def layer_names(spec: StudySpec) -> dict[str, tuple[str, ...]]:
    from dataclasses import replace

    from hwcnn.artifacts import ModelDir
    from hwcnn.config import QuantConfig
    from hwcnn.models import build_model

    names = {}
    for name, path in spec.models.items():
        md = ModelDir(path)
        if not md.config_path.is_file():
            raise HwcnnError(f"models: {path} is not a model directory (no {md.config_path.name})")
        mc = md.config().model
        if mc.quant is not None:
            raise HwcnnError(f"models: {path} is a QAT model; a study starts from the float twin")
        if not md.weights_path.is_file() or not md.metrics_path.is_file():
            raise HwcnnError(f"models: {path} is not a trained model (weights or metrics missing)")
        names[name] = build_model(replace(mc, quant=QuantConfig(8, 8), batch_norm=False)).layer_names
    return names


def run_study(spec: StudySpec, out: Path, data, *, jobs: int | None = None, ray: str | None = None,
              force: bool = False, progress: bool = True) -> dict:
    """Run what is not done of the study into `out`; returns the summary (study.json)."""
    from hwcnn.study import results, search

    names = layer_names(spec)
    points = grid(spec, names)
    jobs = jobs or default_jobs()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with lock(out):
        prepare(spec, out, force)
        if force:
            for f in (out / "points").glob("*.json"):
                f.unlink()
        executor = RayExecutor(ray, jobs) if ray else LocalExecutor(jobs)
        try:
            driver = Driver(spec, out, data, executor, progress)
            found = driver.run(points, "grid")
            analysis = None
            if spec.sensitivity is not None:
                analysis = search.run(spec, names, driver)
                found.update(analysis.pop("results"))
            summary = results.write(spec, out, found, analysis, ran=driver.ran, skipped=len(driver.reused))
        finally:
            executor.close()
    return summary


def status(spec: StudySpec, out: Path) -> list[tuple[Point, str]]:
    """(point, "ok" | "failed" | "pending") for every grid point of the study."""
    sd = StudyDir(out)
    rows = []
    for p in grid(spec, layer_names(spec)):
        r = sd.result(p, spec.digest())
        rows.append((p, "pending" if r is None else r["status"]))
    return rows


def status_report(spec: StudySpec, out: Path) -> tuple[dict, list[str]]:
    """`hwcnn study --status`: each grid point's state and the counts: (result, the lines that show it)."""
    rows = status(spec, out)
    counts = {s: sum(1 for _, x in rows if x == s) for s in ("ok", "failed", "pending")}
    lines = [f"{state:8} {p.id}" for p, state in rows]
    lines.append(f"{out}: {counts['ok']} ok, {counts['failed']} failed, {counts['pending']} pending of "
                 f"{len(rows)} points")
    return {"study": str(out), "points": [{"id": p.id, "status": s} for p, s in rows], **counts}, lines


def summary_lines(summary: dict, out: Path) -> list[str]:
    """What `hwcnn study` shows of a run's summary (`run_study`): the budget answers, what was written."""
    lines = [f"{b['question']} ({b['what']}): {b['answer'] or 'no point qualifies'}" for b in summary["budgets"]]
    return lines + [f"wrote {out}/study.md: {summary['ok']} points ok, {summary['failed']} failed "
                    f"({summary['ran']} run now, {summary['skipped']} already done)"]
