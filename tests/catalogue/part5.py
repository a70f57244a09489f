"""Notebook 05 (backpropagation): typical mistakes and correct answers in other styles."""

from functools import partial

from catalogue import Correct, Mistake, code, variant

NOTEBOOK = "05_backpropagation"

_error = partial(variant, NOTEBOOK, "error_gradient")
_blame = partial(variant, NOTEBOOK, "blame")
_step = partial(variant, NOTEBOOK, "gradient_step")

W1_FACTOR = "dh1_dw1 = 2 * (fwd.x1 + w1 * fwd.x2) * fwd.x2"

ENTRIES = [
    # ---- error_gradient(y_true, y_pred) -> ∂Error/∂y_pred
    Mistake("error_gradient", "sign flipped", _error("2 * (y_pred - y_true)", "2 * (y_true - y_pred)"),
            "sign is flipped"),
    Mistake("error_gradient", "factor 2 missing", _error("2 * (y_pred - y_true)", "y_pred - y_true"), "factor 2"),
    Mistake("error_gradient", "the error itself", _error("2 * (y_pred - y_true)", "(y_true - y_pred) ** 2"),
            "the error itself"),
    Mistake("error_gradient", "parentheses missing", _error("2 * (y_pred - y_true)", "2 * y_pred - y_true"),
            "parentheses"),
    Mistake("error_gradient", "absolute value", _error("2 * (y_pred - y_true)", "2 * abs(y_pred - y_true)"),
            "the sign matters"),
    Mistake("error_gradient", "the difference", _error("2 * (y_pred - y_true)", "y_true - y_pred"),
            "two slips"),
    Mistake("error_gradient", "exponent kept", _error("2 * (y_pred - y_true)", "2 * (y_pred - y_true) ** 2"),
            "power rule"),
    Correct("error_gradient", "chain rule written out", _error("2 * (y_pred - y_true)", "2 * (y_true - y_pred) * -1")),
    Correct("error_gradient", "expanded", _error("2 * (y_pred - y_true)", "2 * y_pred - 2 * y_true")),
    Correct("error_gradient", "numpy float", code('''
        import numpy as np


        def error_gradient(y_true, y_pred):
            return np.float64(-2.0) * np.subtract(y_true, y_pred)
        ''')),

    # ---- blame(fwd, weights, dE_dy) -> five gradients
    Mistake("blame", "x1 as inner derivative", _blame(W1_FACTOR, W1_FACTOR.replace(") * fwd.x2", ") * fwd.x1")),
            "inner derivative is x2"),
    Mistake("blame", "x2 factor missing", _blame(W1_FACTOR, "dh1_dw1 = 2 * (fwd.x1 + w1 * fwd.x2)"),
            "inner factor x2 is missing"),
    Mistake("blame", "power rule's 2 missing", _blame(W1_FACTOR, "dh1_dw1 = (fwd.x1 + w1 * fwd.x2) * fwd.x2"),
            "power rule's 2 is missing"),
    Mistake("blame", "w3 left out", _blame("dE_dy * w3 * dh1_dw1", "dE_dy * dh1_dw1"),
            "multiply by ∂y_pred/∂h1 = w3"),
    Mistake("blame", "square root of h1", code('''
        import math


        def blame(fwd, weights, dE_dy):
            w1, w2, w3, w4, w5 = weights
            dh1_dw1 = 2 * math.sqrt(fwd.h1) * fwd.x2
            dh2_dw2 = fwd.x1 * fwd.x2
            return (dE_dy * w3 * dh1_dw1, dE_dy * w4 * dh2_dw2, dE_dy * fwd.h1, dE_dy * fwd.h2, dE_dy)
        '''), "√h1"),
    Mistake("blame", "w1 blame is w3's", _blame("dE_dy * w3 * dh1_dw1", "dE_dy * fwd.h1"), "that is ∂Error/∂w3"),
    Mistake("blame", "h2 kept in ∂h2/∂w2", _blame("dh2_dw2 = fwd.x1 * fwd.x2", "dh2_dw2 = fwd.h2"),
            "∂h2/∂w2 = x1·x2"),
    Mistake("blame", "w4 left out", _blame("dE_dy * w4 * dh2_dw2", "dE_dy * dh2_dw2"),
            "multiply by ∂y_pred/∂h2 = w4"),
    Mistake("blame", "w3 and w4 blames swapped", _blame("dE_dy * fwd.h1, dE_dy * fwd.h2", "dE_dy * fwd.h2, dE_dy * fwd.h1"),
            "w3 multiplies h1"),
    Mistake("blame", "w5 gets no blame", _blame("dE_dy * 1.0)", "0.0)"), "∂y_pred/∂w5 = 1"),
    Mistake("blame", "four gradients", _blame(", dE_dy * 1.0)", ")"), "five gradients"),
    Mistake("blame", "w1 not differentiated through the sum",
            _blame(W1_FACTOR, "dh1_dw1 = 2 * w1 * fwd.x2 * fwd.x2"), "x1 + w1·x2"),
    Correct("blame", "list", _blame("return (dE_dy * w3 * dh1_dw1, dE_dy * w4 * dh2_dw2, dE_dy * fwd.h1, "
                                    "dE_dy * fwd.h2, dE_dy * 1.0)",
                                    "return [dE_dy * w3 * dh1_dw1, dE_dy * w4 * dh2_dw2, dE_dy * fwd.h1, "
                                    "dE_dy * fwd.h2, dE_dy]")),
    Correct("blame", "numpy, local derivatives as an array", code('''
        import numpy as np


        def blame(fwd, weights, dE_dy):
            w1, w2, w3, w4, w5 = weights
            dy_dw = np.array([w3 * 2 * (fwd.x1 + w1 * fwd.x2) * fwd.x2, w4 * fwd.x1 * fwd.x2, fwd.h1, fwd.h2, 1.0])
            return dE_dy * dy_dw
        ''')),
    Correct("blame", "chains multiplied in a loop", code('''
        import math


        def blame(fwd, weights, dE_dy):
            w1, w2, w3, w4, w5 = weights
            chains = [
                [dE_dy, w3, 2 * (fwd.x1 + w1 * fwd.x2), fwd.x2],
                [dE_dy, w4, fwd.x1, fwd.x2],
                [dE_dy, fwd.h1],
                [dE_dy, fwd.h2],
                [dE_dy, 1],
            ]
            return tuple(math.prod(chain) for chain in chains)
        ''')),
    Correct("blame", "namedtuple", code('''
        from collections import namedtuple

        Gradients = namedtuple("Gradients", "w1 w2 w3 w4 w5")


        def blame(fwd, weights, dE_dy):
            w1, w2, w3, w4, w5 = weights
            inner = fwd.x1 + w1 * fwd.x2
            return Gradients(dE_dy * w3 * 2 * inner * fwd.x2, dE_dy * w4 * fwd.x1 * fwd.x2,
                             dE_dy * fwd.h1, dE_dy * fwd.h2, dE_dy)
        ''')),

    # ---- gradient_step(weights, grad_fn, lr) -> five new weights
    Mistake("gradient_step", "step added", _step("w - lr * g", "w + lr * g"), "added instead of subtracted"),
    Mistake("gradient_step", "no learning rate", _step("w - lr * g", "w - g"), "missing the learning rate"),
    Mistake("gradient_step", "steps returned", _step("w - lr * g", "lr * g"), "returned the steps"),
    Mistake("gradient_step", "gradients returned", _step("return [w - lr * g for w, g in zip(weights, grads)]",
                                                         "return grads"), "returned the gradients"),
    Mistake("gradient_step", "one weight at a time", code('''
        def gradient_step(weights, grad_fn, lr):
            new = list(weights)
            for i in range(len(new)):
                new[i] = new[i] - lr * grad_fn(new)[i]
            return new
        '''), "one at a time"),
    Mistake("gradient_step", "tuple arithmetic", code('''
        def gradient_step(weights, grad_fn, lr):
            return weights - lr * grad_fn(weights)
        '''), "numpy array"),
    Mistake("gradient_step", "tuple changed in place", code('''
        def gradient_step(weights, grad_fn, lr):
            grads = grad_fn(weights)
            for i in range(5):
                weights[i] -= lr * grads[i]
            return weights
        '''), "tuple cannot be changed"),
    Mistake("gradient_step", "divided by the rate", _step("w - lr * g", "w - g / lr"), "not w − gradient/η"),
    Correct("gradient_step", "numpy", code('''
        import numpy as np


        def gradient_step(weights, grad_fn, lr):
            w = np.asarray(weights, dtype=float)
            return w - lr * np.asarray(grad_fn(weights))
        ''')),
    Correct("gradient_step", "loop with append", code('''
        def gradient_step(weights, grad_fn, lr):
            grads = grad_fn(weights)
            new = []
            for i in range(len(weights)):
                new.append(weights[i] - lr * grads[i])
            return new
        ''')),
    Correct("gradient_step", "tuple", code('''
        def gradient_step(weights, grad_fn, lr):
            grads = grad_fn(tuple(weights))
            return tuple(map(lambda w, g: w - lr * g, weights, grads))
        ''')),
    Correct("gradient_step", "gradient per weight at the old weights", code('''
        def gradient_step(weights, grad_fn, lr):
            old = tuple(weights)
            return [old[i] - lr * grad_fn(old)[i] for i in range(5)]
        ''')),
]
