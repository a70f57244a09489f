"""How Neural Networks Learn: the course's shared package (math, view, check)."""

__version__ = "0.1.0"
