"""Submission builders and expected outcomes for the grading engine tests."""
