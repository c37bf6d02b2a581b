#!/usr/bin/env bash
# Install everything the tests need (venv, PostgreSQL, Chromium from Debian), start PostgreSQL,
# then run the whole suite: library, both databases, AppTest, a real server and a real browser.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .venv/.installed ] && [ .venv/.installed -nt requirements-test.txt ] && [ .venv/.installed -nt requirements.txt ] \
  && [ .venv/.installed -nt requirements-lock.txt ] \
  || bash scripts/venv.sh
.venv/bin/python scripts/build_fast.py  # rebuilds nlp/_fast.pyx when it changed
bash scripts/services.sh
# shellcheck disable=SC1091
source .pytest_services.env
export RECORRIDO_REQUIRE_PG=1 RECORRIDO_REQUIRE_E2E=1 RECORRIDO_REQUIRE_FAST=1
exec .venv/bin/python -m pytest "$@"
