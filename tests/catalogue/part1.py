"""Notebook 01 (gradient descent): typical mistakes and correct answers in other styles."""

from catalogue import Correct, Mistake, answer, code

NOTEBOOK = "01_gradient_descent"

_update = answer("update(x, grad, lr)")
_descent = answer("gradient_descent(df, x0, lr, n_iter, update=update)")
_better = answer("better_start(f, df, starts, lr=0.01, n_iter=1000, descent=gradient_descent)")

ENTRIES = [
    # ---- update(x, grad, lr) -> x − lr·grad
    Mistake("update", "step added", _update("    return x + lr * grad\n"), "added instead of subtracted"),
    Mistake("update", "no learning rate", _update("    return x - grad\n"), "missing the learning rate"),
    Mistake("update", "returns the step", _update("    return lr * grad\n"), "returned the step"),
    Mistake("update", "returns minus the step", _update("    return -lr * grad\n"), "minus the step"),
    Mistake("update", "signs flipped", _update("    return lr * grad - x\n"), "η·gradient − x"),
    Mistake("update", "x instead of grad", _update("    return x - lr * x\n"), "uses x instead of the gradient"),
    Mistake("update", "divided by lr", _update("    return x - grad / lr\n"), "divided by the learning rate"),
    Mistake("update", "2x of the parabola", _update("    return x - lr * 2 * x\n"), "use the grad you are given"),
    Mistake("update", "shrink factor", _update("    return x * (1 - 2 * lr)\n"), "1 − 2η"),
    Mistake("update", "lr subtracted", _update("    return x - lr - grad\n"), "learning rate is subtracted"),
    Mistake("update", "no return", _update("    x = x - lr * grad\n"), "return"),
    Mistake("update", "printed", _update("    print(x - lr * grad)\n"), "print shows a value"),
    Mistake("update", "name from the text", _update("    return x0 - lr * grad\n"), "x0"),
    Correct("update", "in place", _update("    x -= lr * grad\n    return x\n")),
    Correct("update", "named steps", _update("    step = lr * grad\n    new_x = x - step\n    return new_x\n")),
    Correct("update", "numpy", code("""
        import numpy as np

        def update(x, grad, lr):
            return np.subtract(x, np.multiply(lr, grad))
        """)),
    Correct("update", "lambda", code("update = lambda x, grad, lr: x - grad * lr\n")),
    Correct("update", "0-d array", code("""
        import numpy as np

        def update(x, grad, lr):
            return np.asarray(x - lr * grad)
        """)),
    Correct("update", "fraction", code("""
        from fractions import Fraction

        def update(x, grad, lr):
            return Fraction(x) - Fraction(lr) * Fraction(grad)
        """)),

    # ---- gradient_descent(df, x0, lr, n_iter, update) -> [x0, x1, ..., x_n]
    Mistake("descent", "gradient frozen at x0", _descent("""
            xs = [x0]
            grad = df(x0)
            for _ in range(n_iter):
                xs.append(update(xs[-1], grad, lr))
            return xs
        """), "computed once at x0"),
    Mistake("descent", "step added", _descent("""
            xs = [x0]
            for _ in range(n_iter):
                xs.append(xs[-1] + lr * df(xs[-1]))
            return xs
        """), "added instead of subtracted"),
    Mistake("descent", "lr applied twice", _descent("""
            xs = [x0]
            for _ in range(n_iter):
                xs.append(update(xs[-1], lr * df(xs[-1]), lr))
            return xs
        """), "applied twice"),
    Mistake("descent", "arguments swapped", _descent("""
            xs = [x0]
            for _ in range(n_iter):
                xs.append(update(df(xs[-1]), xs[-1], lr))
            return xs
        """), "wrong order"),
    Mistake("descent", "2x hard-coded", _descent("""
            xs = [x0]
            for _ in range(n_iter):
                x = xs[-1]
                xs.append(update(x, 2 * x, lr))
            return xs
        """), "hard-coded"),
    Mistake("descent", "learning rate of the script", _descent("""
            xs = [x0]
            for _ in range(n_iter):
                xs.append(update(xs[-1], df(xs[-1]), 0.1))
            return xs
        """), "use the lr argument"),
    Mistake("descent", "appended before the step", _descent("""
            xs = [x0]
            x = x0
            for _ in range(n_iter):
                xs.append(x)
                x = update(x, df(x), lr)
            return xs
        """), "appended before it is updated"),
    Mistake("descent", "start missing", _descent("""
            xs = []
            x = x0
            for _ in range(n_iter):
                x = update(x, df(x), lr)
                xs.append(x)
            return xs
        """), "start is missing"),
    Mistake("descent", "one iteration short", _descent("""
            xs = [x0]
            for _ in range(n_iter - 1):
                xs.append(update(xs[-1], df(xs[-1]), lr))
            return xs
        """), "one iteration early"),
    Mistake("descent", "one iteration too many", _descent("""
            xs = [x0]
            for _ in range(n_iter + 1):
                xs.append(update(xs[-1], df(xs[-1]), lr))
            return xs
        """), "one iteration too many"),
    Mistake("descent", "start replaced", _descent("""
            xs = []
            x = x0
            for _ in range(n_iter + 1):
                x = update(x, df(x), lr)
                xs.append(x)
            return xs
        """), "begin with the start x0"),
    Mistake("descent", "100 iterations of the pseudocode", _descent("""
            xs = [x0]
            for _ in range(100):
                xs.append(update(xs[-1], df(xs[-1]), lr))
            return xs
        """), "n_iter"),
    Mistake("descent", "final x only", _descent("""
            x = x0
            for _ in range(n_iter):
                x = update(x, df(x), lr)
            return x
        """), "not only the last"),
    Mistake("descent", "gradients stored", _descent("""
            xs = [x0]
            x = x0
            for _ in range(n_iter):
                xs.append(df(x))
                x = update(x, df(x), lr)
            return xs
        """), "stored the gradients"),
    Mistake("descent", "function passed as the gradient", _descent("""
            xs = [x0]
            for _ in range(n_iter):
                xs.append(update(xs[-1], df, lr))
            return xs
        """), "forget to call it"),
    Correct("descent", "own step", _descent("""
            xs = [x0]
            for _ in range(n_iter):
                xs.append(xs[-1] - lr * df(xs[-1]))
            return xs
        """)),
    Correct("descent", "numpy array", code("""
        import numpy as np

        def gradient_descent(df, x0, lr, n_iter, update=update):
            xs = np.zeros(n_iter + 1)
            xs[0] = x0
            for i in range(n_iter):
                xs[i + 1] = update(xs[i], df(xs[i]), lr)
            return xs
        """)),
    Correct("descent", "tuple", _descent("""
            xs = (x0,)
            x = x0
            for _ in range(n_iter):
                x = update(x, df(x), lr)
                xs = xs + (x,)
            return xs
        """)),
    Correct("descent", "while loop", _descent("""
            trace = [x0]
            i = 0
            while i < n_iter:
                grad = df(trace[i])
                trace.append(update(trace[i], grad, lr))
                i += 1
            return trace
        """)),
    Correct("descent", "recursion", _descent("""
            if n_iter == 0:
                return [x0]
            return [x0] + gradient_descent(df, update(x0, df(x0), lr), lr, n_iter - 1, update)
        """)),

    # ---- better_start(f, df, starts, lr, n_iter, descent) -> the start whose descent ends lowest
    Mistake("better_start", "max instead of min", _better(
        "    return max(starts, key=lambda s: f(descent(df, s, lr, n_iter)[-1]))\n"), "shallower valley"),
    Mistake("better_start", "f at the start", _better(
        "    return min(starts, key=lambda s: f(descent(df, s, lr, n_iter)[0]))\n"), "f at the starts"),
    Mistake("better_start", "f of the start itself", _better("    return min(starts, key=f)\n"), "f at the starts"),
    Mistake("better_start", "end x compared", _better(
        "    return min(starts, key=lambda s: descent(df, s, lr, n_iter)[-1])\n"), "end in x"),
    Mistake("better_start", "index", code("""
        import numpy as np

        def better_start(f, df, starts, lr=0.01, n_iter=1000, descent=gradient_descent):
            return np.argmin([f(descent(df, s, lr, n_iter)[-1]) for s in starts])
        """), "position of the best start"),
    Mistake("better_start", "lowest f returned", _better(
        "    return min(f(descent(df, s, lr, n_iter)[-1]) for s in starts)\n"), "lowest f reached"),
    Mistake("better_start", "end point returned", _better("""
            ends = [descent(df, s, lr, n_iter)[-1] for s in starts]
            return min(ends, key=f)
        """), "not the end point"),
    Mistake("better_start", "first start", _better("""
            best = starts[0]
            best_f = f(descent(df, best, lr, n_iter)[-1])
            for s in starts[1:]:
                end_f = f(descent(df, s, lr, n_iter)[-1])
                if end_f < best_f:
                    best = starts[0]
            return best
        """), "first start"),
    Mistake("better_start", "start and height", _better("""
            s = min(starts, key=lambda s: f(descent(df, s, lr, n_iter)[-1]))
            return s, f(descent(df, s, lr, n_iter)[-1])
        """), "only the best start"),
    Mistake("better_start", "f of the whole trace", _better(
        "    return min(starts, key=lambda s: f(descent(df, s, lr, n_iter)))\n"), "the LAST x"),
    Correct("better_start", "loop", _better("""
            best, best_f = None, float("inf")
            for s in starts:
                end = descent(df, s, lr, n_iter)[-1]
                if f(end) < best_f:
                    best, best_f = s, f(end)
            return best
        """)),
    Correct("better_start", "numpy", code("""
        import numpy as np

        def better_start(f, df, starts, lr=0.01, n_iter=1000, descent=gradient_descent):
            heights = np.array([f(descent(df, s, lr, n_iter)[-1]) for s in starts])
            return starts[int(np.argmin(heights))]
        """)),
    Correct("better_start", "sorted pairs", _better("""
            pairs = sorted((f(descent(df, s, lr, n_iter)[-1]), s) for s in starts)
            return pairs[0][1]
        """)),
    Correct("better_start", "dict of ends", _better("""
            ends = {s: descent(df, s, lr, n_iter)[-1] for s in starts}
            return min(ends, key=lambda s: f(ends[s]))
        """)),
]
