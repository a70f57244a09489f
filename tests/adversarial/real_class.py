"""Learner submissions generated from the real course notebooks (solutions/): each exercise solved
with the solution, answered wrongly (the solution's numbers doubled afterwards) or left untouched."""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

import nbformat

from autograder import course_dir

SOLUTION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.M)


def _assigned_names(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)]


def answers(source_nb) -> dict[str, dict[str, str]]:
    """grade_id -> {"right": code, "wrong": code} for every answer cell of the source notebook."""
    out = {}
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            right = SOLUTION.sub("", cell.source)
            wrong = right + "".join(f"\n{n} = {n} * 2 if isinstance({n}, (int, float)) else {n}"
                                    for n in _assigned_names(right))
            out[meta["grade_id"]] = {"right": right, "wrong": wrong}
    return out


def build_course(dest: Path, assignments: list[str]) -> Path:
    root = course_dir.new_course(dest)
    course_dir.sync_source(root, assignments=assignments)
    api = course_dir.nbgrader_api(root)
    for a in assignments:
        result = api.generate_assignment(a)
        if not result["success"]:
            raise RuntimeError(result.get("log", "") + (result.get("error") or ""))
    return root


def learner_notebook(root: Path, assignment: str, choose) -> nbformat.NotebookNode:
    """The released notebook with each answer cell set by choose(grade_id) -> "right" | "wrong" | "untouched"."""
    source = nbformat.read(Path(root) / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    nb = nbformat.read(Path(root) / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    choices = answers(source)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in choices:
            kind = choose(gid)
            if kind != "untouched":
                cell.source = choices[gid][kind]
    return nb


def submit(root: Path, student: str, assignment: str, nb) -> None:
    folder = Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")


def make_class(root: Path, assignments: list[str], learners: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    for a in assignments:
        for n in range(learners):
            nb = learner_notebook(root, a, lambda gid: rng.choice(["right", "wrong", "untouched"]))
            submit(root, f"learner{n:03d}", a, nb)
