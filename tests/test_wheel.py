"""The wheel carries the shipped themes, and the loader finds them in an installed package
(beside the package, or through importlib.resources when it is imported straight from the zip)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["kara-dark", "kara-high-contrast", "kara-light"]

pytestmark = pytest.mark.slow  # builds a wheel: about ten seconds


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 and "hatchling" in result.stderr and "find" in result.stderr:
        pytest.skip(f"hatchling cannot be fetched to build the wheel: {result.stderr[-300:]}")
    assert result.returncode == 0, result.stderr
    [built] = out.glob("kara_tui-*.whl")
    return built


def test_the_wheel_holds_the_themes(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    themes = sorted(n for n in names if n.startswith("kara_tui/themes/") and n.endswith(".toml"))
    assert themes == [f"kara_tui/themes/{name}.toml" for name in SHIPPED]


PROBE = """
import json, kara_tui
from kara_tui.ui.themes import load_themes, shipped_themes_dir
folder = shipped_themes_dir()
loaded = load_themes([folder])
print(json.dumps({"package": kara_tui.__file__, "folder": str(folder),
                  "themes": sorted(t.name for t in loaded.themes), "problems": loaded.problems}))
"""


def probe(path_entry: Path, cwd: Path) -> dict[str, object]:
    """Import kara_tui from ``path_entry`` (before the checkout's editable install) elsewhere."""
    env = {**os.environ, "PYTHONPATH": str(path_entry)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_installed_wheel_finds_its_own_themes(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    found = probe(target, tmp_path)
    assert Path(str(found["package"])).is_relative_to(target)
    assert Path(str(found["folder"])) == target / "kara_tui" / "themes"
    assert found["themes"] == SHIPPED and found["problems"] == []


def test_the_themes_load_from_the_zip_itself(wheel: Path, tmp_path: Path) -> None:
    # No folder on disk at all: a path relative to the source file could not work here.
    found = probe(wheel, tmp_path)
    assert str(wheel) in str(found["package"])
    assert found["themes"] == SHIPPED and found["problems"] == []
