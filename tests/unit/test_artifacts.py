"""The artifacts' owner (hwcnn/artifacts.py), the typed HLS configuration and the one writer."""

from __future__ import annotations

import json
import math

import pytest

from hwcnn.artifacts import ModelDir, Project, generator_digest
from hwcnn.errors import HwcnnError
from hwcnn.hlsgen.config import HlsConfig, parse_overrides, targets
from hwcnn.outputs import output_dir, read_json, write_json
from hwkit import ROOT


def _project(tmp_path, **changes) -> Project:
    p = Project(tmp_path / "p")
    p.path.mkdir()
    m = Project.make_manifest("models/x", "abc", "mnist", (1, 32, 32), "ufixed<8,0>", HlsConfig().to_dict(), 16)
    p.manifest_path.write_text(json.dumps(m | changes))
    p.generator_path.write_text(json.dumps({"generator": generator_digest()}))
    return p


def test_manifest_says_what_the_project_was_made_from_and_how(tmp_path):
    p = _project(tmp_path)
    assert p.manifest()["dataset"] == "mnist"
    assert p.is_current("abc", HlsConfig().to_dict(), 16)
    assert not p.is_current("abd", HlsConfig().to_dict(), 16)  # another model
    assert not p.is_current("abc", HlsConfig(reuse_factor=2).to_dict(), 16)  # other settings
    assert not p.is_current("abc", HlsConfig().to_dict(), 8)  # other testbench
    p.generator_path.write_text(json.dumps({"generator": "another hwcnn"}))
    assert not p.is_current("abc", HlsConfig().to_dict(), 16)  # made by other code


@pytest.mark.parametrize("text, message", [
    (None, "not an hwcnn HLS project"),
    ('{"format": 1, "source"', "not valid JSON"),  # truncated
    ('{"format": 0}', "convert the model again"),
    ('{"format": 1}', "missing key 'source'"),
    ("[1, 2]", "must hold a JSON object"),
])
def test_a_damaged_manifest_is_one_clear_line(tmp_path, text, message):
    p = Project(tmp_path)
    p.generator_path.write_text(json.dumps({"generator": generator_digest()}))  # only the manifest is wrong
    if text is not None:
        p.manifest_path.write_text(text)
    with pytest.raises(HwcnnError, match=message):
        p.manifest()
    assert not p.is_current("abc", HlsConfig().to_dict(), 16)


def test_model_digest_follows_config_and_weights(tmp_path):
    import shutil

    shutil.copytree(ROOT / "models" / "lenet5-w4a4", tmp_path / "m")
    md = ModelDir(tmp_path / "m")
    before = md.digest()
    assert before == ModelDir(ROOT / "models" / "lenet5-w4a4").digest()
    md.weights_path.write_bytes(md.weights_path.read_bytes() + b"\0")
    assert md.digest() != before
    md.weights_path.unlink()
    with pytest.raises(HwcnnError, match="weights.pt not found"):
        md.digest()


def test_hls_config_defaults_are_the_default_target():
    cfg = HlsConfig()
    assert (cfg.part, cfg.clock_period) == (targets()["alveo-u250"]["part"], 5.0)
    assert (cfg.backend, cfg.io_type, cfg.strategy, cfg.reuse_factor) == ("Vitis", "io_stream", "Latency", 1)


def test_a_target_sets_part_and_clock_unless_given():
    pynq = HlsConfig.for_target("pynq-z2")
    assert (pynq.part, pynq.clock_period) == ("xc7z020clg400-1", 10.0)
    assert HlsConfig.for_target("pynq-z2", clock_period=8.0).clock_period == 8.0
    with pytest.raises(HwcnnError, match="unknown; expected one of"):
        HlsConfig.for_target("de10-nano")


@pytest.mark.parametrize("settings, message", [
    ({"clock_period": math.nan}, "--clock-period must be a positive number"),
    ({"clock_period": math.inf}, "--clock-period must be a positive number"),
    ({"clock_period": -1.0}, "--clock-period must be a positive number"),
    ({"reuse_factor": 0}, "--reuse-factor must be >= 1"),
    ({"part": "xc7z020; rm -rf /"}, "not an FPGA part name"),
    ({"backend": "Quartus"}, "expected one of Vitis, Vivado"),
    ({"overrides": (("conv", "accum", "fixed<8"),)}, "fixed<8"),
])
def test_impossible_hls_settings_are_refused(settings, message):
    with pytest.raises(HwcnnError, match=message):
        HlsConfig(**settings)


def test_overrides_parse_into_the_config():
    o = parse_overrides(["Conv2D_Conv_0.accum=fixed<12,4,TRN,SAT>"])
    assert HlsConfig(overrides=o).to_dict()["overrides"] == ["Conv2D_Conv_0.accum=fixed<12,4,TRN,SAT>"]


def test_write_json_needs_force_over_an_existing_file(tmp_path):
    path = tmp_path / "r.json"
    write_json(path, {"a": 1})
    with pytest.raises(HwcnnError, match="already exists; pass --force"):
        write_json(path, {"a": 2})
    write_json(path, {"a": 2}, force=True)
    assert read_json(path) == {"a": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_force_replaces_only_a_complete_result(tmp_path):
    out = tmp_path / "o"
    with output_dir(out) as tmp:
        (tmp / "old").write_text("1")
    with pytest.raises(RuntimeError):
        with output_dir(out, force=True) as tmp:
            (tmp / "new").write_text("2")
            raise RuntimeError("failed halfway")
    assert sorted(p.name for p in out.iterdir()) == ["old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_whether_an_output_may_be_replaced_is_decided_under_its_lock(tmp_path):
    out = tmp_path / "o"
    with output_dir(out) as tmp:
        (tmp / "old").write_text("1")

    def refuse():
        raise HwcnnError(f"{out} holds another model; pass --force")

    with pytest.raises(HwcnnError, match="another model"):
        with output_dir(out, replaceable=refuse):
            pytest.fail("the block must not run")
    assert sorted(p.name for p in out.iterdir()) == ["old"]
    with output_dir(out, replaceable=lambda: None) as tmp:
        (tmp / "new").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]
