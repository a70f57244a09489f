import math

import numpy as np
import pytest
import sympy as sp

from course_lib import autodiff as ad
from course_lib.chain import decompose

A, B = sp.symbols("a b")


def _sym_sigmoid(z):
    return 1 / (1 + sp.exp(-z))


# (name, how to build it from two Values, the same expression in sympy, domain for random points)
CASES = [
    ("product", lambda a, b: a * b * a, A * B * A, (-2, 2)),
    ("quotient", lambda a, b: (a + 3) / (b * b + 1), (A + 3) / (B * B + 1), (-2, 2)),
    ("powers", lambda a, b: a**3 - 2 * b**-2 + a**0.5, A**3 - 2 * B**-2 + sp.sqrt(A), (0.3, 2)),
    ("exp-log", lambda a, b: (a * b).exp().log() + (a + b).exp(), sp.log(sp.exp(A * B)) + sp.exp(A + B), (-1, 1)),
    ("tanh-sigmoid", lambda a, b: (a * 2).tanh() * b.sigmoid(), sp.tanh(2 * A) * _sym_sigmoid(B), (-2, 2)),
    ("relu", lambda a, b: (a - b).relu() * a + (b * 3).relu(), sp.Max(0, A - B) * A + sp.Max(0, 3 * B), (-2, 2)),
    ("reused node", lambda a, b: (lambda t: t * t + t.exp() - 1 / t)(a + b), (A + B) ** 2 + sp.exp(A + B) - 1 / (A + B),
     (0.5, 2)),
    ("subtraction", lambda a, b: 1 - a - (b - 2) * -a, 1 - A - (B - 2) * -A, (-2, 2)),
]


@pytest.mark.parametrize("name, build, expr, domain", CASES, ids=[c[0] for c in CASES])
def test_gradients_match_sympy_and_central_differences(name, build, expr, domain):
    rng = np.random.default_rng(sum(map(ord, name)))  # stable across runs, unlike hash()
    grads = [sp.lambdify((A, B), sp.diff(expr, v)) for v in (A, B)]
    f = sp.lambdify((A, B), expr)
    for a0, b0 in rng.uniform(*domain, size=(6, 2)):
        a, b = ad.Value(a0), ad.Value(b0)
        out = build(a, b)
        out.backward()
        assert out.data == pytest.approx(f(a0, b0), rel=1e-10)
        assert (a.grad, b.grad) == pytest.approx((grads[0](a0, b0), grads[1](a0, b0)), rel=1e-9, abs=1e-12)
        h = 1e-6
        num_a = (build(ad.Value(a0 + h), ad.Value(b0)).data - build(ad.Value(a0 - h), ad.Value(b0)).data) / (2 * h)
        num_b = (build(ad.Value(a0), ad.Value(b0 + h)).data - build(ad.Value(a0), ad.Value(b0 - h)).data) / (2 * h)
        assert (a.grad, b.grad) == pytest.approx((num_a, num_b), rel=1e-5, abs=1e-6)


def test_chain_function_graph_reproduces_the_chain_rule():
    for x1, x2 in [(0.5, 0.5), (3.0, 2.0), (-0.7, 0.2), *np.random.default_rng(5).uniform(-2, 2, (4, 2))]:
        nodes = ad.chain_function_graph(x1, x2)
        p = decompose(x1, x2)
        assert nodes["u"].data == pytest.approx(p.u) and nodes["v"].data == pytest.approx(p.v)
        assert nodes["f"].data == pytest.approx(p.f)
        assert nodes["x1"].grad == pytest.approx(12 * p.u * p.v**2)
        assert nodes["x2"].grad == pytest.approx(3 * p.v**2 * (2 * p.u + 6 * x2))
        assert nodes["v"].grad == pytest.approx(3 * p.v**2)


def test_graph_is_topological_with_local_derivatives():
    x = ad.Value(3.0, label="x")
    y = x * x  # x used twice: two edges, each with local derivative x
    z = y.sigmoid()
    z.backward()
    g = ad.graph(z)
    position = {n.id: i for i, n in enumerate(g.nodes)}
    assert all(position[e.source_id] < position[e.target_id] for e in g.edges)
    assert [n.label for n in g.nodes][0] == "x" and g.nodes[-1].op == "sigmoid"
    x_edges = [e for e in g.edges if e.source_id == g.nodes[0].id]
    assert [e.local_derivative for e in x_edges] == [3.0, 3.0]
    s = 1 / (1 + math.exp(-9))
    assert [e.local_derivative for e in g.edges if e.target_id == g.nodes[-1].id] == pytest.approx([s * (1 - s)])
    # grad of every node = sum over its out-edges of (local derivative × grad of target)
    grads = {n.id: n.grad for n in g.nodes}
    for node in g.nodes[:-1]:
        incoming = sum(e.local_derivative * grads[e.target_id] for e in g.edges if e.source_id == node.id)
        assert node.grad == pytest.approx(incoming)


def test_backward_twice_gives_the_same_gradients():
    x = ad.Value(2.0)
    y = x * x * x
    y.backward()
    y.backward()
    assert x.grad == 12.0


def test_relu_subgradient_is_zero_at_zero_and_deep_graphs_work():
    x = ad.Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0
    x = ad.Value(1.0)
    y = x
    for _ in range(5000):  # deeper than Python's recursion limit
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
