"""Shared fixtures: the built site, built once per test session and shared by all workers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]


def build_site(root: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` exactly as `make build` runs it."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q", "-d", str(site_dir)],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """Path of the built site; the build log is asserted clean by test_build."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    site_dir = shared / "site"
    with FileLock(str(shared / "site.lock")):
        if not (site_dir / "index.html").exists():
            result = build_site(ROOT, site_dir)
            (shared / "site.log").write_text(result.stdout + result.stderr, encoding="utf-8")
            if result.returncode:
                pytest.fail(f"mkdocs build --strict failed:\n{result.stderr[-6000:]}")
    return site_dir


@pytest.fixture(scope="session")
def build_log(site) -> str:
    return (site.parent / "site.log").read_text(encoding="utf-8")
