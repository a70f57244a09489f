"""Set up JupyterLab and nbgrader in an environment the way a learner should find them.

Run once per environment (`python3 course.py start` does it at install, Binder's postBuild
with ``--binder``):

    python -m autograder.environment [--prefix PREFIX] [--binder]

Environment-wide, in PREFIX:

* JupyterLab settings overrides: no "Jupyter news" pop-up and no update check (the course
  runs offline and on Binder), Markdown opens rendered (README.md is a landing page), no
  extension manager (it would query PyPI from a learner's session);
* nbgrader's exchange extensions (Assignments, Courses) off: a single-user session has no
  exchange, and with them on JupyterLab logs an error about the missing exchange directory;
* course-keep (autograder/labextension/, see its source for why it is ours): every notebook the
  learner changes is kept in the browser, where jupyter-offlinenotebook's Restore finds it.

Per launch, two configuration directories, PREFIX/etc/course/{learner,instructor}, that
`course.py start` / `course.py instructor` put first on JUPYTER_CONFIG_PATH (so one launch's
mode never changes the next one's):

* learner: nbgrader's Create Assignment toolbar, Nbgrader menu and formgrader (lab plugins
  and server extension) off, Validate on; the file browser shows only what is for the
  learner (LEARNER_HIDDEN: solutions/, course_lib/, autograder/, tests, egg-info, …);
* instructor: all of nbgrader's instructor tools on and nothing extra hidden.

Both serve notebooks through KernelLanguageContentsManager (see there: why an opened
notebook is not marked changed). ``--binder`` also writes the learner mode environment-wide,
since Binder starts JupyterLab itself and every Binder user is a learner.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import subprocess
import sys
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension:plugin": {
        "defaultViewers": {"markdown": "Markdown Preview"},
    },
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}

EXCHANGE_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)
EXCHANGE_LAB_PLUGINS = (
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:course-list",
)
# What only an instructor needs: off for learners, on for `course.py instructor`.
INSTRUCTOR_LAB_PLUGINS = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:menu",
)
INSTRUCTOR_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader",)
LEARNER_SERVER_EXTENSIONS = ("nbgrader.server_extensions.validate_assignment",)

# jupyter_server's own default hide_globs, then what a learner has no use for. Hiding is a
# spoiler guard, not a secret: the repository (and a Binder session's terminal) has them all.
DEFAULT_HIDDEN = ("__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~")
LEARNER_HIDDEN = DEFAULT_HIDDEN + (
    "*.egg-info", "solutions", "course_lib", "autograder", "tests", "bench", "binder", "docs",
    "test-artifacts", "build", "dist", "course.py", "pyproject.toml", "requirements.txt",
    "gradebook.db",
)
# Key under which jupyter-offlinenotebook keeps notebooks in the browser. Binder sets
# BINDER_REPO_URL, which the extension uses there; without a key it offers no browser storage.
LOCAL_REPO_ID = "how-neural-networks-learn/course"
MODES = ("learner", "instructor")
KEEP_EXTENSION = Path(__file__).resolve().parent / "labextension" / "course-keep"
CONTENTS_MANAGER = "autograder.environment.KernelLanguageContentsManager"


@functools.cache
def kernel_language_info() -> dict:
    """What this environment's python3 kernel (ipykernel) reports as language_info."""
    from ipykernel.ipkernel import IPythonKernel

    return json.loads(json.dumps(IPythonKernel.language_info))


class KernelLanguageContentsManager(AsyncLargeFileManager):
    """Serves notebooks for the python3 kernel with the language_info that kernel reports.

    JupyterLab writes the kernel's language_info (Python's version included) into the notebook
    as soon as the kernel connects, and any change marks the notebook unsaved. A notebook
    shipped with one Python's language_info is opened by learners on others (Binder, 3.10,
    3.12...), so no stored value can be right everywhere: the server, which knows its kernel,
    fills it in. The file on disk changes only when the learner saves.
    """

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content") is not None:
            metadata = model["content"].metadata
            if metadata.get("kernelspec", {}).get("name") == "python3":
                metadata["language_info"] = kernel_language_info()
        return model


def write_lab_overrides(prefix: Path) -> Path:
    """Merge LAB_OVERRIDES into PREFIX/share/jupyter/lab/settings/overrides.json."""
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text()) if path.exists() else {}
    for plugin, settings in LAB_OVERRIDES.items():
        current.setdefault(plugin, {}).update(settings)
    path.write_text(json.dumps(current, indent=2) + "\n")
    return path


def disable_exchange_extensions(python: str = sys.executable) -> None:
    """Turn nbgrader's exchange extensions off at the environment (sys-prefix) level."""
    for name in EXCHANGE_SERVER_EXTENSIONS:
        subprocess.run(
            [python, "-m", "jupyter", "server", "extension", "disable", "--sys-prefix", name],
            check=True, capture_output=True,
        )
    for plugin in EXCHANGE_LAB_PLUGINS:
        subprocess.run(
            [python, "-m", "jupyter", "labextension", "disable", "--level=sys_prefix", plugin],
            check=True, capture_output=True,
        )


def install_keep_extension(prefix: Path) -> Path:
    """Copy course-keep (a prebuilt JupyterLab extension) into PREFIX's labextensions."""
    target = prefix / "share" / "jupyter" / "labextensions" / KEEP_EXTENSION.name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(KEEP_EXTENSION, target)
    return target


def mode_config(mode: str) -> tuple[dict, dict]:
    """(jupyter_server config, JupyterLab page_config) of a launch mode."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    instructor = mode == "instructor"
    extensions = {name: instructor for name in INSTRUCTOR_SERVER_EXTENSIONS}
    extensions.update({name: True for name in LEARNER_SERVER_EXTENSIONS})
    server = {
        "ServerApp": {"jpserver_extensions": extensions, "contents_manager_class": CONTENTS_MANAGER},
        "ContentsManager": {"hide_globs": list(DEFAULT_HIDDEN if instructor else LEARNER_HIDDEN)},
    }
    page = {"disabledExtensions": {plugin: not instructor for plugin in INSTRUCTOR_LAB_PLUGINS}}
    return server, page


def mode_dir(prefix: Path, mode: str) -> Path:
    """Where a mode's configuration lives (course.py knows this path too: etc/course/<mode>)."""
    return Path(prefix) / "etc" / "course" / mode


def write_mode(directory: Path, mode: str, *, repo_id: bool = True) -> Path:
    """A Jupyter config directory for `mode` (jupyter_server_config.json, labconfig/)."""
    server, page = mode_config(mode)
    (directory / "labconfig").mkdir(parents=True, exist_ok=True)
    (directory / "jupyter_server_config.json").write_text(json.dumps(server, indent=2) + "\n")
    (directory / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=2) + "\n")
    if repo_id:  # a callable trait: only a Python config file can set it
        (directory / "jupyter_server_config.py").write_text(
            "# jupyter-offlinenotebook keeps notebooks in the browser under this key.\n"
            f"c.OfflineNotebookConfig.repository_id = lambda: {LOCAL_REPO_ID!r}\n")
    return directory


def merge(current: dict, update: dict) -> dict:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(current.get(key), dict):
            merge(current[key], value)
        else:
            current[key] = value
    return current


def write_binder_learner(prefix: Path) -> Path:
    """Learner mode for the whole environment (Binder starts JupyterLab itself). Into
    PREFIX/etc/jupyter/jupyter_server_config.json: jupyter_server reads only server extensions
    from jupyter_server_config.d/, not other settings."""
    server, page = mode_config("learner")
    etc = prefix / "etc" / "jupyter"
    etc.mkdir(parents=True, exist_ok=True)
    path = etc / "jupyter_server_config.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps(merge(current, server), indent=2) + "\n")
    page_path = etc / "labconfig" / "page_config.json"
    page_path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(page_path.read_text()) if page_path.exists() else {}
    page_path.write_text(json.dumps(merge(current, page), indent=2) + "\n")
    return path


def configure(prefix: Path | None = None, *, binder: bool = False) -> list[str]:
    """Apply every setting; return one line per change for the caller to print."""
    prefix = Path(prefix or sys.prefix)
    done = [f"JupyterLab settings: {write_lab_overrides(prefix)}"]
    disable_exchange_extensions()
    done.append("nbgrader exchange extensions (assignment list, course list): off")
    done.append(f"notebooks kept in the browser as the learner works: {install_keep_extension(prefix)}")
    for mode in MODES:
        done.append(f"{mode} mode (per launch): {write_mode(mode_dir(prefix, mode), mode)}")
    if binder:
        done.append(f"learner mode for the whole environment: {write_binder_learner(prefix)}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", type=Path, default=Path(sys.prefix),
                        help="environment to configure (default: this Python's sys.prefix)")
    parser.add_argument("--binder", action="store_true",
                        help="also make learner mode the environment's default (Binder)")
    args = parser.parse_args(argv)
    for line in configure(args.prefix, binder=args.binder):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
