"""What one learner's notebook may use while it is graded: the one place these numbers live.

The grading engine, the sandbox (bubblewrap + rlimits + cgroup), the cluster tasks and self-grade
all take a `Limits`; nothing else hard-codes a timeout or a size.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    cell_timeout: float = 30  # wall seconds per cell (then interrupt, then restart)
    notebook_timeout: float = 300  # wall seconds for the whole notebook
    memory_mb: int = 2048  # address space per kernel process; the sandbox's memory cgroup too
    output_bytes: int = 1_000_000  # output a cell may keep in the graded notebook
    processes: int = 256  # processes + threads of the kernel's uid inside the sandbox
    file_mb: int = 64  # largest file the kernel may write
    hard_margin: float = 60  # seconds a grading task may take beyond notebook_timeout

    @property
    def cpu_seconds(self) -> int:
        return int(self.notebook_timeout) + 5

    @property
    def hard_limit(self) -> float:
        return self.notebook_timeout + self.hard_margin

    def validate(self) -> None:
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"limits.{name} must be a number > 0, got {value!r}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Limits":
        return cls(**data)
