"""The design's layout, the pins, and Binder's files agree with each other."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["01_gradient_descent", "02_partial_derivatives", "03_chain_rule", "04_forward_pass",
             "05_backpropagation", "06_batch_learning", "07_scaling_up"]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([A-Za-z0-9_.+\-]+)$")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: '{raw}' is not pinned to one exact version (name==version)"
        found[metadata_name(match.group(1))] = match.group(2)
    return found


def metadata_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_top_level_layout():
    for name in ["README.md", "requirements.txt", "notebooks", "course_lib", "autograder", "solutions",
                 "binder", "tests", "bench", ".ci/run", "course.py", "ERRATA.md", "docs/INSTRUCTOR_GUIDE.md"]:
        assert (ROOT / name).exists(), f"{name} is missing from the repository"


def test_requirements_are_exact_and_cover_the_stack():
    pinned = pins(ROOT / "requirements.txt")
    majors = {"jupyterlab": "4", "nbgrader": "0.9", "notebook": "7", "ipywidgets": "8"}
    for package, major in majors.items():
        assert pinned[package].startswith(major + "."), f"{package} must be {major}.x, pinned {pinned[package]}"
    for package in ["ipympl", "matplotlib", "numpy", "pytest", "nbclient", "scikit-learn", "playwright",
                    "sympy", "tqdm"]:
        assert package in pinned, f"{package} is used by the course but not pinned"


def test_installed_versions_are_the_pinned_ones():
    """The environment the tests run in is the one requirements.txt describes."""
    wrong = []
    for package, version in pins(ROOT / "requirements.txt").items():
        try:
            installed = metadata.version(package)
        except metadata.PackageNotFoundError:
            wrong.append(f"{package} not installed")
            continue
        if installed != version:
            wrong.append(f"{package}: pinned {version}, installed {installed}")
    assert not wrong, "; ".join(wrong)


def test_pinned_set_is_consistent():
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_binder_requirements_are_the_same_pins():
    """binder/requirements.txt is an include of requirements.txt: one source of truth."""
    lines = [line.split("#", 1)[0].strip() for line in (ROOT / "binder/requirements.txt").read_text().splitlines()]
    assert [line for line in lines if line] == ["-r ../requirements.txt"]
    runtime = (ROOT / "binder/runtime.txt").read_text().strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}", (
        f"binder/runtime.txt says {runtime}; the pins were resolved and are tested on "
        f"Python {sys.version_info.major}.{sys.version_info.minor}")


def test_post_build_stops_on_the_first_error_and_installs_the_course():
    text = (ROOT / "binder/postBuild").read_text()
    assert text.startswith("#!/bin/bash")
    assert re.search(r"^set -e", text, re.M), "postBuild must start with set -e"
    assert "pip install" in text and "-e ." in text
    assert "python -m autograder.environment" in text


def test_every_notebook_exists_in_both_folders():
    for stem in NOTEBOOKS:
        assert (ROOT / "solutions" / f"{stem}.ipynb").exists(), f"solutions/{stem}.ipynb missing"
        assert (ROOT / "notebooks" / f"{stem}.ipynb").exists(), f"notebooks/{stem}.ipynb missing"


def test_readme_binder_links_open_real_notebooks():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/([^/\s]+/[^/\s]+)/([^?\s]+)\?urlpath=lab/tree/([^\s)\"]+)",
                       readme)
    assert links, "README has no Binder launch link"
    slugs = {(slug, branch) for slug, branch, _ in links}
    assert len(slugs) == 1, f"Binder links point at different repositories/branches: {slugs}"
    targets = [target for _, _, target in links]
    assert targets[0] == "notebooks/01_gradient_descent.ipynb", "the badge must open notebook 01"
    for stem in NOTEBOOKS:
        assert f"notebooks/{stem}.ipynb" in targets, f"no launch link for {stem}"
    for target in targets:
        assert (ROOT / target).exists(), f"Binder link to missing {target}"


@pytest.mark.parametrize("command", ["python3 course.py start", "python3 course.py test"])
def test_readme_names_the_two_commands(command):
    assert command in (ROOT / "README.md").read_text()


def test_ci_runs_the_readme_test_command():
    assert "python3 course.py test" in (ROOT / ".ci/run").read_text()
