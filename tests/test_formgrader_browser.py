"""Formgrader in JupyterLab, in headless Chromium, on a course with autograded submissions:
the students are listed, a submission opens for manual grading, and the server log has
no exchange-directory error."""
from __future__ import annotations

import re

import nbformat
import pytest

from autograder import course_dir
from jupyter_browser import browser_page, lab_server, screenshot
from test_selfgrade import course_sources, learner_notebook, partly_correct, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]
STUDENTS = ("doe_jane_12345", "ann_lee_444")


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("formgrader")
    solutions, [aid] = course_sources(tmp)
    root = course_dir.new_course(tmp / "course")
    run_cli("--course", root, "--solutions", solutions, "release", aid)
    release, source = root / "release" / aid / f"{aid}.ipynb", solutions / f"{aid}.ipynb"
    notebooks = {STUDENTS[0]: partly_correct(release, source), STUDENTS[1]: learner_notebook(release, source, set())}
    for student, nb in notebooks.items():
        dest = root / "submitted" / student / aid / f"{aid}.ipynb"
        dest.parent.mkdir(parents=True)
        nbformat.write(nb, dest)
    run_cli("--course", root, "--solutions", solutions, "autograde", "--quiet")
    return root, aid


def test_formgrader_lists_submissions_and_opens_one_for_grading(graded_course):
    root, aid = graded_course
    course_dir.ensure_tools_on_path()  # formgrader's gradebook runs `alembic` from the venv
    with lab_server(root) as server, browser_page(server) as page:
        page.goto(server.url("formgrader/manage_students"))
        for student in STUDENTS:
            page.get_by_text(student).first.wait_for(timeout=60_000)
        screenshot(page, "formgrader_manage_students")

        page.goto(server.url(f"formgrader/manage_submissions/{aid}"))
        for student in STUDENTS:
            page.get_by_text(student).first.wait_for(timeout=60_000)
        screenshot(page, "formgrader_submissions")

        page.goto(server.url(f"formgrader/gradebook/{aid}/{aid}"))
        page.get_by_role("link", name=re.compile(r"Submission #\d")).first.click(timeout=60_000)
        page.wait_for_selector("input.score", timeout=60_000)  # the manual-grading score boxes
        page.get_by_text(re.compile(r"Submission #\d")).first.wait_for(timeout=60_000)
        screenshot(page, "formgrader_manual_grading")

        page.goto(server.url("lab"))
        page.wait_for_selector(".jp-LauncherCard, .jp-Launcher", timeout=90_000)
        page.get_by_role("menuitem", name="Nbgrader").click()
        page.get_by_text("Formgrader", exact=True).first.click()
        frame = page.frame_locator("iframe").first
        frame.get_by_text("Manage Assignments").first.wait_for(timeout=60_000)
        frame.get_by_role("link", name=aid).first.wait_for(timeout=60_000)  # table loaded
        screenshot(page, "formgrader_in_jupyterlab")

    log = server.log_text()
    assert not [line for line in log.splitlines() if re.search(r"exchange", line, re.I)
                and re.search(r"error|\[E ", line, re.I)], "JupyterLab logged an exchange error"
    assert server.error_lines() == []
