"""The handwritten digits bundled with scikit-learn (1797 8×8 images, no download)."""

from __future__ import annotations

from course_lib.errors import CourseInputError, require_finite, require_int


def load_digits_split(test_size=0.25, seed=0):
    """(X_train, X_test, y_train, y_test): pixels scaled from 0..16 to [0, 1], split stratified by digit."""
    from sklearn.datasets import load_digits  # imported here so importing course_lib stays light
    from sklearn.model_selection import train_test_split

    test_size = require_finite("test_size", test_size)
    if not 0 < test_size < 1:
        raise CourseInputError(f"test_size must be a fraction strictly between 0 and 1, got {test_size}")
    seed = require_int("seed", seed, 0)
    digits = load_digits()
    X = digits.data / 16.0
    return train_test_split(X, digits.target, test_size=test_size, random_state=seed, stratify=digits.target)
