"""The grader's re-check of every check cell, outside the learner's kernel.

A learner's code shares its process with the checks, so a submission can make every check pass in
the kernel (monkeypatching course_lib, swapping a function's __code__ …). The kernel records what
the learner's functions returned (``course_lib.check.record``); ``VerifyChecks`` runs in the grading
process, after nbgrader's Execute and before SaveAutoGrades, and for each graded, locked test cell:

- strips every record output (always, in every cell: records hold hidden-test inputs);
- re-runs the cell's source, which nbgrader restored from the gradebook (never the submission's),
  with course_lib's checks on those records (``course_lib.check.replay``);
- when the re-check fails where the kernel said pass, replaces the cell's outputs with one error
  ("CheckFailed" and the re-check's message), so nbgrader scores the cell 0.

A cell that runs no course check (or breaks the rule for check cells) keeps the kernel's verdict;
``resources["verify_checks"]`` lists every test cell's outcome.

Wiring: ``with_verify_checks(preprocessors)`` puts it right after the Execute preprocessor of an
Autograde pipeline (the course's nbgrader_config.py does, for ``nbgrader autograde`` and formgrader).
"""

from __future__ import annotations

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import Execute, NbGraderPreprocessor

NAME = "autograder.verify.VerifyChecks"
ENAME = "CheckFailed"


def _mime() -> str:
    from course_lib.check.record import MIME
    return MIME


def split_records(outputs, mime: str):
    """(the records' JSON objects, the other outputs) of a cell."""
    records, kept = [], []
    for out in outputs:
        data = out.get("data") if hasattr(out, "get") else None
        if isinstance(data, dict) and mime in data:
            if out.get("output_type") == "display_data":
                records.append(data[mime])
        else:
            kept.append(out)
    return records, kept


def kernel_failed(cell) -> bool:
    """What nbgrader's determine_grade scores 0: an error output or text on stderr."""
    return any(out.get("output_type") == "error" or (out.get("output_type") == "stream" and out.get("name") == "stderr")
               for out in cell.get("outputs", []))


def _test_cell(cell) -> bool:
    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def failure_output(message: str):
    text = message[len(ENAME) + 2:] if message.startswith(ENAME + ": ") else message
    return new_output("error", ename=ENAME, evalue=text, traceback=[f"{ENAME}: {text}"])


class VerifyChecks(NbGraderPreprocessor):
    """Re-decide every graded check cell from the kernel's records, with course_lib untouched."""

    def preprocess(self, nb, resources):
        from course_lib.check.replay import preload, replay_cell

        preload()

        mime, results = _mime(), []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            records, kept = split_records(cell.get("outputs", []), mime)
            if len(kept) != len(cell.outputs):
                cell.outputs = kept
            if not _test_cell(cell):
                continue
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
            failed_in_kernel = kernel_failed(cell)
            try:
                verdict = replay_cell(cell.source, records)
                verified, passed, message = verdict.verified, verdict.passed, verdict.message
            except Exception as error:  # a bug of the re-check must not pass a cell, nor stop the class
                self.log.exception("re-check of %s crashed", grade_id)
                verified, passed, message = True, False, f"the grader could not re-check this cell ({type(error).__name__})"
            overruled = verified and not passed and not failed_in_kernel
            if overruled:
                cell.outputs = [failure_output(message)]
                self.log.warning("%s passed in the kernel but not in the grader's re-check: %s", grade_id, message)
            elif not verified:
                self.log.info("%s not re-checked: %s", grade_id, message)
            results.append({"cell": grade_id, "verified": verified, "passed": passed,
                            "kernel_passed": not failed_in_kernel, "overruled": overruled, "message": message})
        resources["verify_checks"] = results
        return nb, resources


def _is_verify(entry) -> bool:
    return entry == NAME or entry is VerifyChecks or (isinstance(entry, type) and issubclass(entry, VerifyChecks))


def _is_execute(entry) -> bool:
    return isinstance(entry, type) and issubclass(entry, Execute) or entry == "nbgrader.preprocessors.Execute"


def with_verify_checks(preprocessors, verify=VerifyChecks) -> list:
    """The pipeline with ``verify`` right after its (first) Execute preprocessor, once."""
    pipeline = list(preprocessors)
    if any(_is_verify(p) for p in pipeline):
        return pipeline
    position = next((i for i, p in enumerate(pipeline) if _is_execute(p)), None)
    if position is None:
        raise ValueError("the pipeline has no Execute preprocessor to re-check after")
    pipeline.insert(position + 1, verify)
    return pipeline
