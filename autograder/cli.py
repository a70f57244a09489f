"""`python -m autograder <command>`: the instructor's workflow and the learner's self-grade."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder import course_dir
from autograder.course_dir import CourseError


def _fail_on(result: dict | None, what: str) -> None:
    if result is not None and not result.get("success"):
        detail = (result.get("log") or "") + (result.get("error") or "")
        raise CourseError(f"{what} failed:\n{detail.strip()}")


def cmd_generate(args) -> int:
    from autograder import generate

    return generate.main(args.rest) or 0  # its own parser: `generate --help` shows its options


def cmd_release(args) -> int:
    aids = course_dir.sync_source(args.course, args.solutions, args.assignments or None)
    if not aids:
        raise CourseError(f"no source notebooks in {args.solutions}")
    api = course_dir.nbgrader_api(args.course)
    for aid in aids:
        _fail_on(api.generate_assignment(aid), f"generate_assignment {aid}")
        print(f"generated release/{aid}/")
        if args.exchange:
            if aid in api.get_released_assignments():
                _fail_on(api.unrelease(aid), f"unrelease {aid}")
            _fail_on(api.release_assignment(aid), f"release_assignment {aid}")
            print(f"released {aid} to the exchange {api.exchange_root}")
    return 0


def cmd_import(args) -> int:
    from autograder import importer

    result = importer.import_submissions(args.course, Path(args.path), args.assignment)
    print(importer.format_result(result))
    return 1 if result.rejected else 0


def cmd_collect(args) -> int:
    api = course_dir.nbgrader_api(args.course)
    aids = args.assignments or course_dir.available_assignments(args.solutions)
    for aid in aids:
        _fail_on(api.collect(aid), f"collect {aid}")
    for student, aid in course_dir.submissions(args.course):
        if aid in aids:
            print(f"submitted/{student}/{aid}")
    return 0


NO_SANDBOX_WARNING = ("WARNING: --no-sandbox: learners' code runs unconfined, with YOUR rights on this "
                      "machine (your files, your network, your gradebook). Grade only code you trust this way.")


def cmd_autograde(args) -> int:
    from autograder.engine import grade_submissions
    from autograder.engine_task import sandbox_unavailable_reason

    if args.no_sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr)
    elif not args.scheduler:  # on a cluster each worker's sandbox is checked where it runs
        reason = sandbox_unavailable_reason()
        if reason:
            raise CourseError(f"the grading sandbox cannot run here: {reason}\n"
                              "(--no-sandbox grades anyway, with learners' code running with your rights)")
    tasks = [t for t in course_dir.submissions(args.course)
             if (not args.assignment or t[1] == args.assignment)
             and (not args.student or t[0] == args.student)]
    if not tasks:
        raise CourseError("no submissions to grade in submitted/ (run `import` or `collect` first)"
                          + (" matching the filters given" if args.assignment or args.student else ""))
    if args.scheduler:
        from autograder.cluster import grade_on_cluster

        results = grade_on_cluster(args.course, args.scheduler, tasks, progress=not args.quiet,
                                   sandbox=not args.no_sandbox)
    else:
        results = grade_submissions(args.course, tasks, jobs=args.jobs, progress=not args.quiet,
                                    sandbox=not args.no_sandbox)
    for r in results:
        extra = f" ({'; '.join(r.reasons)})" if r.reasons else ""
        print(f"{r.student:<24} {r.assignment:<24} {r.score:g}/{r.max_score:g} {r.status}{extra}")
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_feedback(args) -> int:
    from autograder import feedback

    written = feedback.generate_feedback(args.course, args.assignment, args.student)
    for path in written:
        print(path)
    if not written:
        raise CourseError("no autograded submissions to give feedback on (run `autograde` first)")
    return 0


def cmd_export(args) -> int:
    from autograder import export

    rows = export.export_csv(args.course, Path(args.output))
    flagged = sum(1 for r in rows if r["needs_review"])
    print(f"wrote {len(rows)} rows to {args.output} ({flagged} need manual grading or review)")
    return 0


def cmd_selfgrade(args) -> int:
    from autograder import selfgrade

    report = selfgrade.selfgrade(Path(args.notebook), args.assignment, args.solutions, args.course)
    if args.report_file:
        tmp = Path(f"{args.report_file}.tmp")
        tmp.write_text(report.to_json())
        tmp.replace(args.report_file)
    print(report.to_json() if args.json else selfgrade.format_report(report))
    return 0 if report.status != "failed" else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Release, collect, autograde and export the course's nbgrader assignments; "
                    "self-grade a learner's notebook.",
        epilog="See docs/INSTRUCTOR_GUIDE.md for the whole workflow.")
    parser.add_argument("--course", type=Path, default=course_dir.COURSE_ROOT,
                        help="nbgrader course directory (default: %(default)s)")
    parser.add_argument("--solutions", type=Path, default=course_dir.SOLUTIONS_DIR,
                        help="source notebooks with solutions and hidden tests (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("generate", help="solutions/ -> notebooks/ (learner versions)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("release", help="generate the learner version of assignments (and put "
                                       "them in the exchange)")
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all seven")
    p.add_argument("--no-exchange", dest="exchange", action="store_false",
                   help="only generate release/, do not copy to the nbgrader exchange")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("import", help="import learners' notebooks downloaded from an LMS "
                                      "(folder or .zip) into submitted/")
    p.add_argument("path", help="a .zip or a folder of notebooks (LMS names or a folder per student)")
    p.add_argument("--assignment", help="the assignment all these files belong to (else taken "
                                        "from each file's name)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("collect", help="collect submissions from the nbgrader exchange")
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="default: all")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("autograde", help="autograde submitted/ on all cores")
    p.add_argument("--assignment", help="only this assignment")
    p.add_argument("--student", help="only this student")
    p.add_argument("--jobs", type=int, help="notebooks graded at a time (default: cores + 1)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="grade on this dask.distributed cluster instead of this machine's cores")
    p.add_argument("--no-sandbox", action="store_true",
                   help="grade even where the sandbox cannot run: learners' code runs with your rights")
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("feedback", help="HTML feedback per autograded submission "
                                        "(no solutions, no hidden tests)")
    p.add_argument("--assignment", help="only this assignment")
    p.add_argument("--student", help="only this student")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="CSV of scores per student x assignment, with what needs review")
    p.add_argument("--output", default="grades.csv", help="CSV file to write (default: %(default)s)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("selfgrade", help="grade your own notebook as the instructor's autograde would")
    p.add_argument("notebook", help="path of the notebook (saved)")
    p.add_argument("--assignment", help="assignment id (default: from the file name)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--report-file", help="also write the report as JSON to this file")
    p.set_defaults(func=cmd_selfgrade)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command == "generate":
        args.rest = args.rest + unknown
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command != "generate":
        args.course = args.course.resolve()
    try:
        return args.func(args)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
