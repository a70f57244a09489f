"""Notebook 06 (batch and online learning): typical mistakes and correct answers in other styles."""

from functools import partial

from catalogue import Correct, Mistake, code, variant

NOTEBOOK = "06_batch_learning"

_grads = partial(variant, NOTEBOOK, "example_gradients")
_total = partial(variant, NOTEBOOK, "total_gradient")
_batch = partial(variant, NOTEBOOK, "batch_step")
_online = partial(variant, NOTEBOOK, "online_epoch")

W1_GRADIENT = "dE_dy * w3 * 2 * (x1 + w1 * x2) * x2"

ENTRIES = [
    # ---- example_gradients(x1, x2, y_true, weights) -> five gradients
    Mistake("example_gradients", "bias forgotten in the forward pass",
            _grads("w3 * h1 + w4 * h2 + w5", "w3 * h1 + w4 * h2"), "the bias w5 is missing"),
    Mistake("example_gradients", "h1 not squared", _grads("h1 = (x1 + w1 * x2) ** 2", "h1 = x1 + w1 * x2"),
            "h1 = (x1 + w1·x2)² is squared"),
    Mistake("example_gradients", "w1 next to x1 in the forward pass",
            _grads("h1 = (x1 + w1 * x2) ** 2", "h1 = (w1 * x1 + x2) ** 2"), "w1 multiplies x2"),
    Mistake("example_gradients", "w3 and w4 swapped in the forward pass",
            _grads("w3 * h1 + w4 * h2 + w5", "w3 * h2 + w4 * h1 + w5"), "swapped"),
    Mistake("example_gradients", "sign flipped", _grads("2 * (y_pred - y_true)", "2 * (y_true - y_pred)"),
            "sign is flipped"),
    Mistake("example_gradients", "factor 2 missing", _grads("2 * (y_pred - y_true)", "(y_pred - y_true)"),
            "factor 2 is missing"),
    Mistake("example_gradients", "the script's slip in ∂h1/∂w1", _grads(W1_GRADIENT, W1_GRADIENT[:-2] + "x1"),
            "script's gradient table makes this very slip"),
    Mistake("example_gradients", "the script's slip in ∂h2/∂w2", _grads("dE_dy * w4 * x1 * x2", "dE_dy * w4 * h2"),
            "script's gradient table makes this very slip"),
    Mistake("example_gradients", "w3 left out of w1's chain", _grads(W1_GRADIENT, W1_GRADIENT.replace("w3 * ", "")),
            "multiply by ∂y_pred/∂h1 = w3"),
    Mistake("example_gradients", "w4 left out of w2's chain", _grads("dE_dy * w4 * x1 * x2", "dE_dy * x1 * x2"),
            "multiply by ∂y_pred/∂h2 = w4"),
    Mistake("example_gradients", "square root of h1", _grads("2 * (x1 + w1 * x2) * x2", "2 * h1 ** 0.5 * x2"), "√h1"),
    Mistake("example_gradients", "only dE_dy returned", _grads(
        "return (dE_dy * w3 * 2 * (x1 + w1 * x2) * x2, dE_dy * w4 * x1 * x2, dE_dy * h1, dE_dy * h2, dE_dy)",
        "return dE_dy"), "five gradients"),
    Correct("example_gradients", "numpy", code('''
        import numpy as np


        def example_gradients(x1, x2, y_true, weights):
            w1, w2, w3, w4, w5 = np.asarray(weights, dtype=float)
            h = np.array([(x1 + w1 * x2) ** 2, w2 * x1 * x2])
            y_pred = np.dot([w3, w4], h) + w5
            dE_dy = 2 * (y_pred - y_true)
            local = np.array([w3 * 2 * (x1 + w1 * x2) * x2, w4 * x1 * x2, h[0], h[1], 1.0])
            return dE_dy * local
        ''')),
    Correct("example_gradients", "list, step by step", code('''
        def example_gradients(x1, x2, y_true, weights):
            w1, w2, w3, w4, w5 = weights
            inner = x1 + w1 * x2
            h1 = inner * inner
            h2 = w2 * x1 * x2
            y_pred = w3 * h1 + w4 * h2 + w5
            error_slope = -2 * (y_true - y_pred)
            dh1_dw1 = 2 * inner * x2
            dh2_dw2 = x1 * x2
            return [error_slope * w3 * dh1_dw1, error_slope * w4 * dh2_dw2, error_slope * h1, error_slope * h2,
                    error_slope]
        ''')),
    Correct("example_gradients", "forward pass as functions", code('''
        def forward(x1, x2, w):
            h1 = (x1 + w[0] * x2) ** 2
            h2 = w[1] * x1 * x2
            return h1, h2, w[2] * h1 + w[3] * h2 + w[4]


        def example_gradients(x1, x2, y_true, weights):
            h1, h2, y_pred = forward(x1, x2, weights)
            d = 2 * (y_pred - y_true)
            w1, w2, w3, w4, w5 = weights
            return tuple(d * f for f in (w3 * 2 * (x1 + w1 * x2) * x2, w4 * x1 * x2, h1, h2, 1))
        ''')),

    # ---- total_gradient(weights, data, grad_fn) -> five summed gradients
    Mistake("total_gradient", "mean", code('''
        import numpy as np


        def total_gradient(weights, data, grad_fn):
            return np.mean([grad_fn(weights, example) for example in data], axis=0)
        '''), "mean"),
    Mistake("total_gradient", "overwritten in the loop", code('''
        def total_gradient(weights, data, grad_fn):
            for example in data:
                total = list(grad_fn(weights, example))
            return total
        '''), "only the last example"),
    Mistake("total_gradient", "return inside the loop", code('''
        def total_gradient(weights, data, grad_fn):
            total = [0.0] * 5
            for example in data:
                total = [t + g for t, g in zip(total, grad_fn(weights, example))]
                return total
        '''), "only the first example"),
    Mistake("total_gradient", "one row per example", code('''
        def total_gradient(weights, data, grad_fn):
            return [grad_fn(weights, example) for example in data]
        '''), "one row per example"),
    Mistake("total_gradient", "sum() over tuples", code('''
        def total_gradient(weights, data, grad_fn):
            return sum(grad_fn(weights, example) for example in data)
        '''), "sum()"),
    Mistake("total_gradient", "lists joined with +", code('''
        def total_gradient(weights, data, grad_fn):
            total = []
            for example in data:
                total = total + list(grad_fn(weights, example))
            return total
        '''), "joins"),
    Mistake("total_gradient", "summed over the weights", code('''
        import numpy as np


        def total_gradient(weights, data, grad_fn):
            return np.sum([grad_fn(weights, example) for example in data], axis=1)
        '''), "axis=0"),
    Mistake("total_gradient", "everything summed", code('''
        import numpy as np


        def total_gradient(weights, data, grad_fn):
            return np.sum([grad_fn(weights, example) for example in data])
        '''), "one number"),
    Correct("total_gradient", "numpy sum over axis 0", code('''
        import numpy as np


        def total_gradient(weights, data, grad_fn):
            return np.sum([grad_fn(weights, example) for example in data], axis=0)
        ''')),
    Correct("total_gradient", "zip columns", code('''
        def total_gradient(weights, data, grad_fn):
            rows = [grad_fn(weights, example) for example in data]
            return tuple(sum(column) for column in zip(*rows))
        ''')),
    Correct("total_gradient", "array accumulator", code('''
        import numpy as np


        def total_gradient(weights, data, grad_fn):
            total = np.zeros(5)
            for x1, x2, y_true in data:
                total += np.asarray(grad_fn(weights, (x1, x2, y_true)))
            return total
        ''')),
    Correct("total_gradient", "index loop", code('''
        def total_gradient(weights, data, grad_fn):
            total = [0, 0, 0, 0, 0]
            for example in data:
                g = grad_fn(weights, example)
                for i in range(5):
                    total[i] += g[i]
            return total
        ''')),

    # ---- batch_step(weights, data, lr, grad_fn) -> five new weights
    Mistake("batch_step", "online inside", code('''
        def batch_step(weights, data, lr, grad_fn):
            current = list(weights)
            for example in data:
                current = [w - lr * g for w, g in zip(current, grad_fn(current, example))]
            return current
        '''), "online learning"),
    Mistake("batch_step", "averaged", _batch("return [w - lr * g for w, g in zip(weights, total)]",
                                             "return [w - lr * g / len(data) for w, g in zip(weights, total)]"),
            "averaged"),
    Mistake("batch_step", "step added", _batch("w - lr * g for w, g in zip(weights, total)",
                                               "w + lr * g for w, g in zip(weights, total)"),
            "added instead of subtracted"),
    Mistake("batch_step", "no learning rate", _batch("w - lr * g for w, g in zip(weights, total)",
                                                     "w - g for w, g in zip(weights, total)"),
            "missing the learning rate"),
    Mistake("batch_step", "summed gradient returned", _batch("return [w - lr * g for w, g in zip(weights, total)]",
                                                             "return total"), "summed gradient itself"),
    Mistake("batch_step", "last example only", code('''
        def batch_step(weights, data, lr, grad_fn):
            for example in data:
                total = grad_fn(weights, example)
            return [w - lr * g for w, g in zip(weights, total)]
        '''), "only the last example"),
    Mistake("batch_step", "weights returned unchanged", code('''
        def batch_step(weights, data, lr, grad_fn):
            total = [0.0] * 5
            for example in data:
                total = [t + g for t, g in zip(total, grad_fn(weights, example))]
            new = [w - lr * g for w, g in zip(weights, total)]
            return weights
        '''), "unchanged"),
    Correct("batch_step", "numpy", code('''
        import numpy as np


        def batch_step(weights, data, lr, grad_fn):
            total = np.sum([grad_fn(weights, example) for example in data], axis=0)
            return np.asarray(weights) - lr * total
        ''')),
    Correct("batch_step", "tuple", code('''
        def batch_step(weights, data, lr, grad_fn):
            rows = [grad_fn(weights, example) for example in data]
            return tuple(w - lr * sum(column) for w, column in zip(weights, zip(*rows)))
        ''')),
    Correct("batch_step", "index loop", code('''
        def batch_step(weights, data, lr, grad_fn):
            new = list(weights)
            for example in data:
                g = grad_fn(weights, example)
                for i in range(5):
                    new[i] -= lr * g[i]
            return new
        ''')),

    # ---- online_epoch(weights, data, lr, grad_fn) -> five weights after one pass
    Mistake("online_epoch", "one batch update", code('''
        def online_epoch(weights, data, lr, grad_fn):
            total = [0.0] * 5
            for example in data:
                total = [t + g for t, g in zip(total, grad_fn(weights, example))]
            return [w - lr * g for w, g in zip(weights, total)]
        '''), "that is the batch update"),
    Mistake("online_epoch", "gradients at the starting weights", code('''
        def online_epoch(weights, data, lr, grad_fn):
            current = list(weights)
            for example in data:
                current = [w - lr * g for w, g in zip(current, grad_fn(weights, example))]
            return current
        '''), "starting weights"),
    Mistake("online_epoch", "last to first", _online("for example in data:", "for example in reversed(data):"),
            "last to first"),
    Mistake("online_epoch", "every update from the start", code('''
        def online_epoch(weights, data, lr, grad_fn):
            for example in data:
                current = [w - lr * g for w, g in zip(weights, grad_fn(weights, example))]
            return current
        '''), "only the last example's update"),
    Mistake("online_epoch", "return inside the loop", code('''
        def online_epoch(weights, data, lr, grad_fn):
            current = list(weights)
            for example in data:
                current = [w - lr * g for w, g in zip(current, grad_fn(current, example))]
                return current
        '''), "only the first example"),
    Mistake("online_epoch", "step added", _online("w - lr * g", "w + lr * g"), "added instead of subtracted"),
    Mistake("online_epoch", "every weight after every example", code('''
        def online_epoch(weights, data, lr, grad_fn):
            history = [list(weights)]
            for example in data:
                history.append([w - lr * g for w, g in zip(history[-1], grad_fn(history[-1], example))])
            return history
        '''), "only the weights after the last example"),
    Mistake("online_epoch", "no learning rate", _online("w - lr * g", "w - g"), "missing the learning rate"),
    Correct("online_epoch", "numpy", code('''
        import numpy as np


        def online_epoch(weights, data, lr, grad_fn):
            w = np.array(weights, dtype=float)
            for example in data:
                w = w - lr * np.asarray(grad_fn(w, example))
            return w
        ''')),
    Correct("online_epoch", "numpy in place on a copy", code('''
        import numpy as np


        def online_epoch(weights, data, lr, grad_fn):
            w = np.array(weights, dtype=float)
            for example in data:
                w -= lr * np.array(grad_fn(w, example))
            return w
        ''')),
    Correct("online_epoch", "tuple by index", code('''
        def online_epoch(weights, data, lr, grad_fn):
            w = tuple(weights)
            for i in range(len(data)):
                g = grad_fn(w, data[i])
                w = tuple(w[k] - lr * g[k] for k in range(5))
            return w
        ''')),
]
