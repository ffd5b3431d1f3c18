"""The demo project, built once per module and copied for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coder.demo.service import build_demo


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo")).path


@pytest.fixture
def project_path(demo_file, tmp_path) -> Path:
    target = tmp_path / "p.coder"
    shutil.copy(demo_file, target)
    return target


@pytest.fixture(autouse=True)
def no_semantic_layer(monkeypatch):
    """Pilots run without the semantic layer (embedding the demo's 848 segments would take half a minute); the
    tests of the layer itself (test_embed_worker.py, tests/test_semantic.py) turn it on."""
    monkeypatch.setenv("CODER_SEMANTIC", "0")
