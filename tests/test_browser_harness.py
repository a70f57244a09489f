"""The browser harness's log classification: a kernel interrupted while the harness shuts it down
is noise (jupyter_client interrupts every kernel it shuts down), the same line at any other time
is a failure, and so is every other error line. The same for a kernel interpreter's teardown report."""
from __future__ import annotations

from jupyter_browser import LabServer

INTERRUPT = "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel."


def server_with_log(tmp_path, lines: list[str]) -> LabServer:
    log = tmp_path / "jupyter-lab.log"
    log.write_text("".join(line + "\n" for line in lines))
    return LabServer(tmp_path, 0, "token", log, process=None, home=tmp_path)


def test_interrupt_during_shutdown_is_noise_and_at_other_times_a_failure(tmp_path):
    before = ["[I 10:00 ServerApp] Kernel started: a", INTERRUPT]
    server = server_with_log(tmp_path, before + ["[I 10:01 ServerApp] shutting down", INTERRUPT,
                                                 "[E 10:01 ServerApp] real trouble"])
    start_of_shutdown = sum(len(line) + 1 for line in before)
    server.shutdown_windows.append((start_of_shutdown, None))
    assert server.error_lines() == [INTERRUPT, "[E 10:01 ServerApp] real trouble"]


def test_a_closed_shutdown_window_ends_the_noise(tmp_path):
    lines = ["[I] deleting sessions", INTERRUPT, "[I] kernel 2 started", INTERRUPT]
    server = server_with_log(tmp_path, lines)
    end = sum(len(line) + 1 for line in lines[:2])
    server.shutdown_windows.append((0, end))
    assert server.error_lines() == [INTERRUPT]


def test_a_kernels_teardown_report_is_noise_only_during_shutdown(tmp_path):
    report = ["Exception ignored in: <coroutine object run_in_context at 0x7f>",
              "Traceback (most recent call last):", "RuntimeError: Event loop is closed"]
    before = ["[I 10:00 ServerApp] Kernel started: a", *report]
    server = server_with_log(tmp_path, before + ["[C 10:01 ServerApp] received signal 15, stopping", *report,
                                                 "Traceback (most recent call last):"])
    server.shutdown_windows.append((sum(len(line) + 1 for line in before), None))
    # before the shutdown it counts; during it only the bare traceback (no teardown report) counts
    assert server.error_lines() == ["Traceback (most recent call last):"] * 2
