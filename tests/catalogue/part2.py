"""Notebook 02 (partial derivatives): typical mistakes and correct answers in other styles."""

from catalogue import Correct, Mistake, answer, code

NOTEBOOK = "02_partial_derivatives"

_x1 = answer("partial_x1(x1, x2)")
_x2 = answer("partial_x2(x1, x2)")
_d2 = answer("descent_2d(grad_f, x0, lr, n_iter)")

ENTRIES = [
    # ---- partial_x1(x1, x2) = 2·x1
    Mistake("partial_x1", "the other partial", _x1("    return 4 * x2\n"), "that is ∂f/∂x2"),
    Mistake("partial_x1", "wrong variable", _x1("    return 2 * x2\n"), "with respect to x2"),
    Mistake("partial_x1", "both terms", _x1("    return 2 * x1 + 4 * x2\n"), "x2 is a constant"),
    Mistake("partial_x1", "constant term kept", _x1("    return 2 * x1 + 2 * x2 ** 2\n"), "drop it"),
    Mistake("partial_x1", "the term itself", _x1("    return x1 ** 2\n"), "not its derivative"),
    Mistake("partial_x1", "f itself", _x1("    return x1 ** 2 + 2 * x2 ** 2\n"), "that is f itself"),
    Mistake("partial_x1", "exponent not brought down", _x1("    return x1\n"), "brings the exponent 2 down"),
    Mistake("partial_x1", "x2 as the factor", _x1("    return x1 * x2\n"), "x2 does not multiply"),
    Mistake("partial_x1", "whole gradient", _x1("    return 2 * x1, 4 * x2\n"), "not the whole gradient"),
    Mistake("partial_x1", "xor as power", _x1("    return 2 * x1 ^ 1\n"), "xor"),
    Correct("partial_x1", "reversed", _x1("    return x1 * 2\n")),
    Correct("partial_x1", "sum", _x1("    return x1 + x1\n")),
    Correct("partial_x1", "numpy float", code("""
        import numpy as np

        def partial_x1(x1, x2):
            return np.float64(2.0) * x1
        """)),
    Correct("partial_x1", "numeric central difference", _x1("""
            h = 1e-4
            f = lambda a, b: a ** 2 + 2 * b ** 2
            return (f(x1 + h, x2) - f(x1 - h, x2)) / (2 * h)
        """)),
    Correct("partial_x1", "power rule spelled out", _x1("    n = 2\n    return n * x1 ** (n - 1)\n")),

    # ---- partial_x2(x1, x2) = 4·x2
    Mistake("partial_x2", "the other partial", _x2("    return 2 * x1\n"), "that is ∂f/∂x1"),
    Mistake("partial_x2", "coefficient lost", _x2("    return 2 * x2\n"), "coefficient 2 of 2x2² stays"),
    Mistake("partial_x2", "both terms", _x2("    return 2 * x1 + 4 * x2\n"), "x1 is a constant"),
    Mistake("partial_x2", "constant term kept", _x2("    return x1 ** 2 + 4 * x2\n"), "drop it"),
    Mistake("partial_x2", "the term itself", _x2("    return 2 * x2 ** 2\n"), "not its derivative 4x2"),
    Mistake("partial_x2", "exponent not lowered", _x2("    return 4 * x2 ** 2\n"), "lowers the exponent"),
    Mistake("partial_x2", "the coefficient only", _x2("    return 4\n"), "not the constant 4"),
    Mistake("partial_x2", "whole gradient", _x2("    return [2 * x1, 4 * x2]\n"), "not the whole gradient"),
    Mistake("partial_x2", "unfinished", _x2("    pass\n"), "return"),
    Correct("partial_x2", "chain of factors", _x2("    return 2 * 2 * x2\n")),
    Correct("partial_x2", "numpy", code("""
        import numpy as np

        def partial_x2(x1, x2):
            return np.multiply(4, x2)
        """)),
    Correct("partial_x2", "float conversion", _x2("    return float(4 * x2)\n")),
    Correct("partial_x2", "numeric central difference", _x2("""
            h = 1e-4
            f = lambda a, b: a ** 2 + 2 * b ** 2
            return (f(x1, x2 + h) - f(x1, x2 - h)) / (2 * h)
        """)),

    # ---- descent_2d(grad_f, x0, lr, n_iter) -> [start, point after 1 iteration, ...]
    Mistake("descent_2d", "one coordinate at a time", _d2("""
            x = list(x0)
            points = [tuple(x)]
            for _ in range(n_iter):
                x[0] = x[0] - lr * grad_f(x)[0]
                x[1] = x[1] - lr * grad_f(x)[1]
                points.append(tuple(x))
            return points
        """), "simultaneous update"),
    Mistake("descent_2d", "gradient once", _d2("""
            g = grad_f(x0)
            points = [tuple(x0)]
            for _ in range(n_iter):
                x1, x2 = points[-1]
                points.append((x1 - lr * g[0], x2 - lr * g[1]))
            return points
        """), "computed once at the start"),
    Mistake("descent_2d", "step added", _d2("""
            points = [tuple(x0)]
            for _ in range(n_iter):
                x1, x2 = points[-1]
                g = grad_f((x1, x2))
                points.append((x1 + lr * g[0], x2 + lr * g[1]))
            return points
        """), "added instead of subtracted"),
    Mistake("descent_2d", "partials swapped", _d2("""
            points = [tuple(x0)]
            for _ in range(n_iter):
                x1, x2 = points[-1]
                g = grad_f((x1, x2))
                points.append((x1 - lr * g[1], x2 - lr * g[0]))
            return points
        """), "swapped"),
    Mistake("descent_2d", "bowl hard-coded", _d2("""
            points = [tuple(x0)]
            for _ in range(n_iter):
                x1, x2 = points[-1]
                points.append((x1 - lr * 2 * x1, x2 - lr * 4 * x2))
            return points
        """), "hard-coded"),
    Mistake("descent_2d", "one partial for both", _d2("""
            points = [tuple(x0)]
            for _ in range(n_iter):
                x1, x2 = points[-1]
                g = grad_f((x1, x2))
                points.append((x1 - lr * g[0], x2 - lr * g[0]))
            return points
        """), "both coordinates move by ∂f/∂x1"),
    Mistake("descent_2d", "script's learning rate", code("""
        import numpy as np

        def descent_2d(grad_f, x0, lr, n_iter):
            points = [np.array(x0, dtype=float)]
            for _ in range(n_iter):
                points.append(points[-1] - 0.1 * np.asarray(grad_f(points[-1])))
            return points
        """), "use the lr argument"),
    Mistake("descent_2d", "in-place update appended", code("""
        import numpy as np

        def descent_2d(grad_f, x0, lr, n_iter):
            x = np.array(x0, dtype=float)
            points = [x]
            for _ in range(n_iter):
                x -= lr * np.asarray(grad_f(x))
                points.append(x)
            return points
        """), "in place"),
    Mistake("descent_2d", "start missing", _d2("""
            points = []
            x1, x2 = x0
            for _ in range(n_iter):
                g = grad_f((x1, x2))
                x1, x2 = x1 - lr * g[0], x2 - lr * g[1]
                points.append((x1, x2))
            return points
        """), "start is missing"),
    Mistake("descent_2d", "final point only", _d2("""
            x1, x2 = x0
            for _ in range(n_iter):
                g = grad_f((x1, x2))
                x1, x2 = x1 - lr * g[0], x2 - lr * g[1]
            return (x1, x2)
        """), "that is one point, not the trace"),
    Mistake("descent_2d", "coordinates extended", _d2("""
            points = list(x0)
            x1, x2 = x0
            for _ in range(n_iter):
                g = grad_f((x1, x2))
                x1, x2 = x1 - lr * g[0], x2 - lr * g[1]
                points.extend([x1, x2])
            return points
        """), "flat list"),
    Mistake("descent_2d", "two separate traces", _d2("""
            xs1, xs2 = [x0[0]], [x0[1]]
            for _ in range(n_iter):
                g = grad_f((xs1[-1], xs2[-1]))
                xs1.append(xs1[-1] - lr * g[0])
                xs2.append(xs2[-1] - lr * g[1])
            return xs1, xs2
        """), "list of x1s and the list of x2s"),
    Mistake("descent_2d", "x2 never moves", _d2("""
            points = [tuple(x0)]
            for _ in range(n_iter):
                x1, x2 = points[-1]
                g = grad_f((x1, x2))
                points.append((x1 - lr * g[0], x2))
            return points
        """), "x2 never moves"),
    Correct("descent_2d", "tuples of floats", _d2("""
            points = [tuple(x0)]
            for _ in range(n_iter):
                x1, x2 = points[-1]
                g1, g2 = grad_f((x1, x2))
                points.append((x1 - lr * g1, x2 - lr * g2))
            return points
        """)),
    Correct("descent_2d", "lists", _d2("""
            points = [list(x0)]
            for _ in range(n_iter):
                point = points[-1]
                grad = grad_f(point)
                points.append([point[i] - lr * grad[i] for i in range(2)])
            return points
        """)),
    Correct("descent_2d", "2-D array", code("""
        import numpy as np

        def descent_2d(grad_f, x0, lr, n_iter):
            trace = np.zeros((n_iter + 1, 2))
            trace[0] = x0
            for i in range(n_iter):
                trace[i + 1] = trace[i] - lr * np.asarray(grad_f(trace[i]))
            return trace
        """)),
    Correct("descent_2d", "namedtuple points", code("""
        from collections import namedtuple

        Point = namedtuple("Point", "x1 x2")

        def descent_2d(grad_f, x0, lr, n_iter):
            points = [Point(*x0)]
            for _ in range(n_iter):
                p = points[-1]
                g = grad_f(p)
                points.append(Point(p.x1 - lr * g[0], p.x2 - lr * g[1]))
            return points
        """)),
    Correct("descent_2d", "copy after in-place update", code("""
        import numpy as np

        def descent_2d(grad_f, x0, lr, n_iter):
            x = np.array(x0, dtype=float)
            points = [x.copy()]
            for _ in range(n_iter):
                x -= lr * np.asarray(grad_f(x))
                points.append(x.copy())
            return points
        """)),
]
