"""A tiny scalar reverse-mode autodiff engine in the style of karpathy/micrograd's engine.py.

Every operation computes its forward value and a small _backward closure that pushes
out.grad back to its inputs with +=, so a node used twice collects both contributions.
Unlike micrograd, each node also records the local derivative on every incoming edge,
so the course can draw the computation graph with the chain-rule factors on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from course_lib.errors import CourseInputError, require_finite


class Value:
    """A scalar in a computation graph: data, grad, and how it was made."""

    def __init__(self, data, _children=(), _op="", label="", _local=()):
        self.data = require_finite("data", data)
        self.grad = 0.0
        self.label = str(label)
        self.op = _op
        self._prev = tuple(_children)
        self._local = tuple(_local)  # ∂self/∂child, parallel to _prev
        self._backward = lambda: None

    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    @staticmethod
    def _wrap(other) -> "Value":
        if isinstance(other, Value):
            return other
        if isinstance(other, bool) or not isinstance(other, Real):
            raise CourseInputError(f"other must be a Value or a number, got {type(other).__name__}")
        return Value(other, label=f"{float(other):g}")

    def _result(self, data, children, local, op) -> "Value":
        """Make the output node and its _backward closure from the local derivatives."""
        if not math.isfinite(data):
            raise CourseInputError(f"{op} overflowed: the result of {op} on {[c.data for c in children]} is not finite")
        out = Value(data, children, op, _local=local)

        def _backward():
            for child, derivative in zip(children, local):
                child.grad += derivative * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        other = self._wrap(other)
        return self._result(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = self._wrap(other)
        return self._result(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, Real):
            raise CourseInputError(f"exponent must be a number (not a Value), got {type(exponent).__name__}")
        p = require_finite("exponent", exponent)
        if self.data == 0 and p < 1 or self.data < 0 and not p.is_integer():
            raise CourseInputError(f"exponent {p:g} is not defined (or not differentiable) at base {self.data:g}")
        return self._result(self.data**p, (self,), (p * self.data ** (p - 1),), f"**{p:g}")

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise CourseInputError(f"exp overflowed at data={self.data:g}") from None
        return self._result(e, (self,), (e,), "exp")

    def log(self):
        if self.data <= 0:
            raise CourseInputError(f"log needs data > 0, got {self.data:g}")
        return self._result(math.log(self.data), (self,), (1.0 / self.data,), "log")

    def relu(self):
        # Subgradient 0 at exactly 0, as the course's ReLU table says.
        return self._result(max(0.0, self.data), (self,), (1.0 if self.data > 0 else 0.0,), "relu")

    def sigmoid(self):
        s = 0.5 * (1.0 + math.tanh(0.5 * self.data))  # overflow-free form of 1 / (1 + e^−x)
        return self._result(s, (self,), (s * (1.0 - s),), "sigmoid")

    def tanh(self):
        t = math.tanh(self.data)
        return self._result(t, (self,), (1.0 - t * t,), "tanh")

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-self._wrap(other))

    def __truediv__(self, other):
        other = self._wrap(other)
        if other.data == 0:
            raise CourseInputError("division by a Value whose data is 0")
        return self * other**-1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return self._wrap(other) - self

    def __rtruediv__(self, other):
        return self._wrap(other) / self

    def backward(self):
        """Set d(self)/d(node) in every node's grad (earlier grads are cleared first, so it can be rerun)."""
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def topological_order(root) -> list[Value]:
    """Every node reachable from root, inputs before the nodes that use them (iterative: deep graphs are fine)."""
    if not isinstance(root, Value):
        raise CourseInputError(f"root must be a Value, got {type(root).__name__}")
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node._prev) if id(child) not in seen)
    return order


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    op: str
    data: float
    grad: float


@dataclass(frozen=True)
class Edge:
    source_id: str
    target_id: str
    local_derivative: float


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def graph(root) -> Graph:
    """Nodes in topological order and one edge per input use (x·x gives two edges x → out)."""
    order = topological_order(root)
    ids = {id(node): f"n{i}" for i, node in enumerate(order)}
    nodes = tuple(Node(ids[id(n)], n.label, n.op, n.data, n.grad) for n in order)
    edges = tuple(
        Edge(ids[id(child)], ids[id(n)], d) for n in order for child, d in zip(n._prev, n._local)
    )
    return Graph(nodes, edges)


def chain_function_graph(x1, x2) -> dict[str, Value]:
    """Part 3's f = ((2x1 + x2)² + 3x2²)³ built from Values and back-propagated."""
    a = Value(require_finite("x1", x1), label="x1")
    b = Value(require_finite("x2", x2), label="x2")
    u = 2 * a + b
    u.label = "u"
    v = u**2 + 3 * b**2
    v.label = "v"
    f = v**3
    f.label = "f"
    f.backward()
    return {"x1": a, "x2": b, "u": u, "v": v, "f": f}
