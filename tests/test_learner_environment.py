"""autograder.environment without a browser: the two launch modes, what the learner's file browser
hides, and the contents manager that serves notebooks with the kernel's own language_info."""
from __future__ import annotations

import asyncio
import fnmatch
import json

import nbformat
from jupyter_client.manager import start_new_kernel

from autograder import environment
from jupyter_browser import REPO

SHOWN_TO_LEARNERS = {"README.md", "ERRATA.md", "notebooks", "LICENSE"}


def test_learner_mode_has_validate_but_no_instructor_tools():
    server, page = environment.mode_config("learner")
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions == {"nbgrader.server_extensions.formgrader": False,
                          "nbgrader.server_extensions.validate_assignment": True}
    assert page["disabledExtensions"] == {p: True for p in environment.INSTRUCTOR_LAB_PLUGINS}
    assert "@jupyter/nbgrader:validate-assignment" not in page["disabledExtensions"]


def test_instructor_mode_turns_them_back_on_and_hides_nothing_extra():
    server, page = environment.mode_config("instructor")
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is True
    assert page["disabledExtensions"] == {p: False for p in environment.INSTRUCTOR_LAB_PLUGINS}
    assert server["ContentsManager"]["hide_globs"] == list(environment.DEFAULT_HIDDEN)


def test_every_top_level_entry_is_for_the_learner_or_hidden():
    """A new file or folder at the top of the repository must be decided on: shown or hidden."""
    hidden = environment.LEARNER_HIDDEN
    undecided = sorted(entry.name for entry in REPO.iterdir()
                       if not entry.name.startswith(".") and entry.name not in SHOWN_TO_LEARNERS
                       and not any(fnmatch.fnmatch(entry.name, glob) for glob in hidden))
    assert undecided == [], f"neither shown to learners nor in LEARNER_HIDDEN: {undecided}"
    assert not any(fnmatch.fnmatch(name, glob) for name in SHOWN_TO_LEARNERS for glob in hidden)


def test_mode_directories_are_jupyter_config_directories(tmp_path):
    directory = environment.write_mode(tmp_path / "learner", "learner")
    server = json.loads((directory / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["contents_manager_class"] == environment.CONTENTS_MANAGER
    assert json.loads((directory / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert environment.LOCAL_REPO_ID in (directory / "jupyter_server_config.py").read_text()


def test_notebooks_are_served_with_the_language_info_the_kernel_reports(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}  # as the course ships them
    nbformat.write(nb, tmp_path / "a.ipynb")
    manager = environment.KernelLanguageContentsManager(root_dir=str(tmp_path))
    served = asyncio.run(manager.get("a.ipynb"))["content"].metadata["language_info"]
    kernel, client = start_new_kernel(kernel_name="python3")
    try:
        reported = client.kernel_info(reply=True, timeout=120)["content"]["language_info"]
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)
    assert served == reported
    assert nbformat.read(tmp_path / "a.ipynb", as_version=4).metadata["language_info"] == {"name": "python"}


def test_binder_learner_mode_is_regular_environment_config(tmp_path):
    """Written where jupyter_server reads every setting (jupyter_server_config.d/ holds only
    server extensions), merged with what is there."""
    etc = tmp_path / "etc" / "jupyter"
    etc.mkdir(parents=True)
    (etc / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"shutdown_no_activity_timeout": 5}}))
    path = environment.write_binder_learner(tmp_path)
    assert path == etc / "jupyter_server_config.json"
    config = json.loads(path.read_text())
    assert config["ServerApp"]["shutdown_no_activity_timeout"] == 5
    assert config["ServerApp"]["contents_manager_class"] == environment.CONTENTS_MANAGER
    assert "solutions" in config["ContentsManager"]["hide_globs"]
    page = json.loads((etc / "labconfig" / "page_config.json").read_text())
    assert all(page["disabledExtensions"][p] for p in environment.INSTRUCTOR_LAB_PLUGINS)
