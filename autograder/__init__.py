"""The nbgrader course and the tools instructors and learners grade with."""
