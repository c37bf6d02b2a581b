#!/usr/bin/env bash
# Create .venv and install the pinned runtime and test requirements (offline-safe afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-test.txt -c requirements-lock.txt
# the optional C helpers of nlp/ (a failed build warns and leaves the pure-Python code in use)
.venv/bin/python scripts/build_fast.py
touch .venv/.installed
