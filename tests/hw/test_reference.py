"""The reference HLS projects (hls/reference/) are exactly what hwcnn generates today, and the
counted cost of each shipped model is its MAC count by hand."""

from __future__ import annotations

import pytest

from hwcnn import hwdesc
from hwcnn.artifacts import Project, qat_model_dirs
from hwcnn.cost import layer_costs, totals
from hwkit import ROOT

REFERENCE = ROOT / "hls" / "reference"
MODELS = sorted(p.name for p in REFERENCE.iterdir() if p.is_dir())


def test_every_shipped_qat_model_has_a_reference_project():
    assert MODELS == [md.name for md in qat_model_dirs(ROOT / "models")]


@pytest.mark.parametrize("name", MODELS)
def test_reference_project_is_what_hwcnn_generates(shipped, name):
    """Fails on any difference; rewrite deliberately with `python scripts/update_reference.py`."""
    project = Project(shipped[name])
    ref = REFERENCE / name
    generated = project.reviewable_files()
    committed = sorted(p.relative_to(ref) for p in ref.rglob("*") if p.is_file())
    assert generated == committed
    changed = [str(rel) for rel in generated if (project.path / rel).read_bytes() != (ref / rel).read_bytes()]
    assert not changed, f"generated files differ from hls/reference/{name}: {changed}"


# Multiply-accumulates per image, by hand from the architectures (a convolution: output pixels x
# kernel x input channels x filters):
#   lenet5-w4a4 (32x32x1): conv1 28*28*25*1*6 = 117,600; conv2 10*10*25*6*16 = 240,000;
#     conv3 1*1*25*16*120 = 48,000; fc1 120*84 = 10,080; fc2 84*10 = 840.
#   squeezenet-w4a4 (squeezenet-mnist-wide, 32x32x1): conv1 32*32*9*1*64 = 589,824; then at 16x16
#     fire2 and fire3 (64 in; squeeze 16, expand 32 1x1 + 32 3x3): 256*(64*16 + 16*32 + 9*16*32)
#     = 1,572,864 each; at 8x8 fire4 (64 in; squeeze 32, expand 64 + 64): 64*(64*32 + 32*64 +
#     9*32*64) = 1,441,792; fire5 (128 in): 64*(128*32 + 32*64 + 9*32*64) = 1,572,864;
#     conv10 (1x1, 128 -> 10): 64*128*10 = 81,920.
MACS = {
    "lenet5-w4a4": 117_600 + 240_000 + 48_000 + 10_080 + 840,
    "squeezenet-w4a4": 589_824 + 2 * 1_572_864 + 1_441_792 + 1_572_864 + 81_920,
}


@pytest.mark.parametrize("name", sorted(MACS))
def test_cost_counts_every_mac_of_the_shipped_models(shipped, name):
    desc, weights = hwdesc.load(shipped[name])
    rows = layer_costs(desc, weights)
    assert totals(rows)["macs"] == {"value": MACS[name], "source": "exact"}
    kinds = {r["kind"] for r in rows}
    if name.startswith("squeezenet"):
        assert "PointwiseConv2D" in kinds  # the 1x1 convolutions hls4ml makes of squeeze and expand1x1
