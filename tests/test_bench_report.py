"""The README's benchmark table is the one bench/report.py generates from bench/results/ (as ERRATA.md is)."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _report():
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_benchmark_table_is_generated_from_the_results():
    report = _report()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert report.splice(readme, report.render()) == readme, \
        "README.md's benchmark table is stale: run .venv/bin/python bench/report.py"


def test_every_row_has_its_results_file():
    report = _report()
    for name in report.ROWS:
        assert (report.RESULTS / name).is_file(), f"bench/results/{name} is missing: run its script"


def test_the_table_shows_the_measured_numbers(tmp_path):
    """A changed result changes the README row: the figures are not typed anywhere else."""
    report = _report()
    for name in report.ROWS:
        (tmp_path / name).write_text((report.RESULTS / name).read_text())
    data = json.loads((tmp_path / "notebooks.json").read_text())
    data["total_seconds"] = 12.3
    (tmp_path / "notebooks.json").write_text(json.dumps(data))
    assert "**12.3 s**" in report.render(tmp_path)
    assert "**12.3 s**" not in report.render()


def test_the_grading_row_shows_the_cluster_and_the_sandbox_when_measured():
    report = _report()
    data = json.loads((report.RESULTS / "grading.json").read_text())
    data.update(engine_sandboxed=True, cluster_workers=2, cluster_threads_per_worker=1, cluster_seconds=77.0,
                cluster_learners_per_minute=7.7, cluster_speedup=4.4)
    measured = report.grading_row(data)[2]
    assert "sandbox on" in measured and "**77 s, 7.7 learners/min, 4.40×**" in measured
    assert "dask" not in report.grading_row({k: v for k, v in data.items() if not k.startswith("cluster")})[2]
