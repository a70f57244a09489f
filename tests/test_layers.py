import subprocess
import sys

import pytest

MATH_MODULES = ["errors", "descent", "gradient", "chain", "autodiff", "network", "batch", "mlp", "data"]


@pytest.mark.parametrize("module", MATH_MODULES)
def test_math_module_does_not_import_the_view_stack(module):
    code = (
        f"import sys, course_lib.{module}\n"
        "bad = sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython') if m in sys.modules)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "", f"course_lib.{module} imports {result.stdout.strip()}"


def test_the_probe_would_see_a_view_import():
    code = "import sys, matplotlib\nprint('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
