"""Shared fixtures. Package-specific fixtures live in tests/<package>/conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = (ROOT.parent / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (public event logs and labelled feedback); skipped when absent."""
    if not SHARED_DATA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing on CI")
        pytest.skip("../shared/data is not available on this machine")
    return SHARED_DATA


@pytest.fixture
def run_cli():
    """Run ``python cli.py ARGS`` in a subprocess; return the CompletedProcess (text)."""

    def _run(*args, input=None, cwd=ROOT, timeout=120):
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], cwd=cwd,
                              input=input, capture_output=True, text=True, timeout=timeout)

    return _run
