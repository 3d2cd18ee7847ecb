"""Hostile values in every numeric and path option (docs/bad-input.md): each run ends in success
or one line on stderr with exit status 2, never a traceback or an internal error, and a value the
parser takes is exactly the value given (nothing clamped or rounded on the way)."""

from __future__ import annotations

import argparse
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwcnn.cli import build_parser, main
from hwkit import ROOT

SHIPPED = ROOT / "models" / "lenet5-w4a4"
REFERENCE = ROOT / "hls" / "reference" / "lenet5-w4a4"
# what each subcommand needs besides the option under test (positional arguments, required options)
REQUIRED = {"train": ["--arch", "lenet5", "--out", "OUT"], "convert": ["SRC", "--out", "OUT"], "data": ["mnist"],
            "evaluate": ["SRC"], "export": ["SRC"], "csim": ["SRC"], "simulate": ["SRC"], "verify": ["SRC"],
            "study": ["SRC"], "cost": ["SRC"], "rtl": ["SRC"], "synth": ["SRC"], "run": []}
HOSTILE = ["0", "-1", "-1e30", "1e30", "1e400", "nan", "-nan", "inf", "-inf", "", " ", "abc", "2.5", "0x10", "1_0",
           "9" * 40]


def _numeric_options():
    """(subcommand, option, validator) for every option parsed by the shared numeric validator."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    out = []
    for name, parser in sub.choices.items():
        for action in parser._actions:
            if hasattr(action.type, "range") and action.option_strings:
                out.append((name, action.option_strings[0], action.type))
    return out


NUMERIC = _numeric_options()


def test_every_numeric_option_but_the_bit_widths_has_the_shared_validator():
    """The bit widths are ranges of the configuration (hwcnn/config.py), checked there by name."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    loose = [(name, a.option_strings[0]) for name, p in sub.choices.items() for a in p._actions
             if a.type in (int, float)]
    assert loose == [("train", "--wbits"), ("train", "--abits")]
    assert len(NUMERIC) > 25


def _parse(command: str, option: str, text: str):
    argv = [command, *REQUIRED[command], option, text]
    return build_parser().parse_args(argv)


@pytest.mark.parametrize("command, option, validator", NUMERIC, ids=[f"{c}{o}" for c, o, _ in NUMERIC])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.sampled_from(HOSTILE), st.integers(-10**12, 10**12).map(str),
                      st.floats(allow_nan=True, allow_infinity=True).map(repr)))
def test_a_numeric_option_takes_exactly_its_range(capsys, command, option, validator, text):
    lo, hi, lo_open, hi_open = validator.range
    kind = int if validator.__name__ == "int" else float
    try:
        value = kind(text)
        inside = (math.isfinite(value) and lo <= value <= hi and not (lo_open and value == lo)
                  and not (hi_open and value == hi))
    except ValueError:
        inside = False
    try:
        args = _parse(command, option, text)
    except SystemExit as e:
        err = capsys.readouterr().err.strip()
        assert e.code == 2 and len(err.splitlines()) == 1 and f"argument {option}" in err, err
        assert not inside, f"{option} {text!r} is in range and was refused: {err}"
        return
    assert inside, f"{option} {text!r} was taken"
    assert getattr(args, option.lstrip("-").replace("-", "_")) == value  # exactly what was given


def _hostile_paths(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("not what hwcnn expects")
    a_dir = tmp_path / "a-dir"
    a_dir.mkdir()
    return {"missing": tmp_path / "missing", "file": a_file, "dir": a_dir, "file-parent": a_file / "x",
            "empty": ""}


# (argv with SRC for the hostile source) for every subcommand that reads a model, project or file
SOURCES = [["evaluate", "SRC"], ["export", "SRC"], ["convert", "SRC", "--out", "OUT"], ["csim", "SRC"],
           ["simulate", "SRC"], ["verify", "SRC", "--n", "2"], ["study", "SRC"], ["cost", "SRC"], ["run", "SRC"],
           ["train", "--arch", "lenet5", "--init-from", "SRC", "--out", "OUT"],
           ["simulate", str(REFERENCE), "--inputs", "SRC"], ["evaluate", str(SHIPPED), "--data-dir", "SRC"]]


@pytest.mark.parametrize("argv", SOURCES, ids=[" ".join(a[:1] + a[-1:]) for a in SOURCES])
@pytest.mark.parametrize("kind", ["missing", "file", "dir", "file-parent", "empty"])
def test_a_hostile_source_path_is_one_line_and_status_2(capsys, tmp_path, argv, kind):
    hostile = _hostile_paths(tmp_path)[kind]
    args = [str(hostile) if a == "SRC" else str(tmp_path / "out") if a == "OUT" else a for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error:" in err and "internal error" not in err, err
    assert not (tmp_path / "out").exists()


# outputs: a directory where a file is expected, a file where a directory is expected
OUTPUTS = [["cost", str(REFERENCE), "--json", "OUT"], ["evaluate", str(SHIPPED), "--n", "2", "--json", "OUT"],
           ["convert", str(SHIPPED), "--out", "OUT"], ["export", str(SHIPPED), "--out", "OUT"],
           ["run", str(SHIPPED), "--out", "OUT"], ["train", "--arch", "lenet5", "--out", "OUT"],
           ["verify", str(SHIPPED), "--project", "OUT"], ["verify", str(SHIPPED), "--report", "OUT"]]


@pytest.mark.parametrize("argv", OUTPUTS, ids=[" ".join(a[:1] + a[-2:-1]) for a in OUTPUTS])
@pytest.mark.parametrize("kind", ["file", "file-parent", "empty"])
def test_a_hostile_output_path_is_refused_before_any_work(capsys, tmp_path, argv, kind):
    hostile = _hostile_paths(tmp_path)[kind]
    if kind == "file" and argv[0] in ("cost", "evaluate"):
        hostile = tmp_path / "a-dir"  # a directory where the JSON file should go
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert main([str(hostile) if a == "OUT" else a for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error:" in err and "internal error" not in err, err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written, nothing replaced
