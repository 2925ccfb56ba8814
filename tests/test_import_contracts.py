"""The layers of the app are a contract checked by import-linter (`make lint`): these tests
show the contract is kept now, and that it catches what it is there to catch, by planting an
import circle and an upward import in a copy of the app."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    for package in ("timeline", "config"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def plant(path: Path, line: str) -> None:
    path.write_text(f"{line}  # planted by a test\n" + path.read_text())


def test_the_app_keeps_its_import_contracts(app_copy):
    checked = lint_imports(app_copy)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Contracts: 3 kept, 0 broken." in checked.stdout


def test_an_import_circle_between_siblings_is_caught(app_copy):
    # facets imports params; params importing facets closes a circle.
    plant(app_copy / "timeline/selectors/params.py", "import timeline.selectors.facets")
    checked = lint_imports(app_copy)
    assert checked.returncode != 0
    assert "No import circles anywhere in the app BROKEN" in checked.stdout
    assert "- .params -> .facets" in checked.stdout


def test_an_upward_import_is_caught(app_copy):
    plant(app_copy / "timeline/selectors/events.py", "import timeline.services.editorial")
    checked = lint_imports(app_copy)
    assert checked.returncode != 0
    assert "timeline.selectors is not allowed to import timeline.services" in checked.stdout


def test_a_leaf_helper_importing_models_is_caught(app_copy):
    plant(app_copy / "timeline/dates.py", "import timeline.models")
    checked = lint_imports(app_copy)
    assert checked.returncode != 0
    assert "Leaf helpers know nothing of the app's data or pages BROKEN" in checked.stdout
