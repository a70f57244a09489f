"""Set up JupyterLab and nbgrader in an environment the way a learner should find them.

Run once per environment (the README's set-up command and Binder's postBuild do it):

    python -m autograder.environment [--prefix PREFIX]

It writes JupyterLab settings overrides into ``PREFIX/share/jupyter/lab/settings``:

* no "Jupyter news" pop-up and no update check (the course runs offline and on Binder);
* Markdown files open rendered, so README.md is a landing page, not source text;
* the extension manager is off (it would query PyPI from a learner's session).

and turns off nbgrader's exchange-based learner extensions (Assignments, Courses):
a single-user session has no exchange, and with them on JupyterLab logs an error
about the missing exchange directory. The Validate button, create-assignment and
formgrader stay on.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

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


def configure(prefix: Path | None = None) -> list[str]:
    """Apply every setting; return one line per change for the caller to print."""
    prefix = Path(prefix or sys.prefix)
    done = [f"JupyterLab settings: {write_lab_overrides(prefix)}"]
    disable_exchange_extensions()
    done.append("nbgrader exchange extensions (assignment list, course list): off")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", type=Path, default=Path(sys.prefix),
                        help="environment to configure (default: this Python's sys.prefix)")
    args = parser.parse_args(argv)
    for line in configure(args.prefix):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
