"""Kernel launcher used when no zygote runs: `python -m autograder.sandbox_kernel -f CONNECTION_FILE`.

It confines itself (sandbox.enter, from the spec in the environment) before importing ipykernel.
"""

import sys

from autograder import sandbox
from autograder.engine_kernel import run_kernel

if __name__ == "__main__":
    sandbox.enter(sandbox.SandboxSpec.from_env())
    run_kernel(sys.argv[1:])
