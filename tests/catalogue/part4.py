"""Notebook 04 (the forward pass): typical mistakes and correct answers in other styles."""

from functools import partial

from catalogue import Correct, Mistake, code, variant

NOTEBOOK = "04_forward_pass"

_hidden = partial(variant, NOTEBOOK, "hidden_layer")
_output = partial(variant, NOTEBOOK, "output_layer")
_total = partial(variant, NOTEBOOK, "total_error")

ENTRIES = [
    # ---- layer 1: hidden_layer(x1, x2, w1, w2) -> (h1, h2)
    Mistake("hidden_layer", "not squared", _hidden("(x1 + w1 * x2) ** 2", "x1 + w1 * x2"), "h1 is squared"),
    Mistake("hidden_layer", "w1 multiplies x1", _hidden("(x1 + w1 * x2) ** 2", "(w1 * x1 + x2) ** 2"),
            "w1 multiplies x2"),
    Mistake("hidden_layer", "a² + b²", _hidden("(x1 + w1 * x2) ** 2", "x1 ** 2 + (w1 * x2) ** 2"), "cross term"),
    Mistake("hidden_layer", "only x2 squared", _hidden("(x1 + w1 * x2) ** 2", "x1 + w1 * x2 ** 2"),
            "parentheses"),
    Mistake("hidden_layer", "times two", _hidden("(x1 + w1 * x2) ** 2", "(x1 + w1 * x2) * 2"), "not its square"),
    Mistake("hidden_layer", "xor as power", _hidden("(x1 + w1 * x2) ** 2", "(x1 + w1 * x2) ^ 2"), "xor"),
    Mistake("hidden_layer", "w2 in h1", _hidden("(x1 + w1 * x2) ** 2", "(x1 + w2 * x2) ** 2"),
            "w1 belongs to h1"),
    Mistake("hidden_layer", "h2 without w2", _hidden("w2 * x1 * x2", "x1 * x2"), "the weight w2 is missing"),
    Mistake("hidden_layer", "h2 adds", _hidden("w2 * x1 * x2", "w2 * (x1 + x2)"), "h2 multiplies"),
    Mistake("hidden_layer", "pair swapped", _hidden("return h1, h2", "return h2, h1"), "swapped the two neurons"),
    Mistake("hidden_layer", "h1 only", _hidden("return h1, h2", "return h1"), "the pair (h1, h2)"),
    Mistake("hidden_layer", "dict", _hidden("return h1, h2", 'return {"h1": h1, "h2": h2}'), "the pair (h1, h2)"),
    Correct("hidden_layer", "list", _hidden("return h1, h2", "return [h1, h2]")),
    Correct("hidden_layer", "numpy array", code('''
        import numpy as np


        def hidden_layer(x1, x2, w1, w2):
            inner = np.float64(x1) + w1 * x2
            return np.array([np.square(inner), np.prod([w2, x1, x2])])
        ''')),
    Correct("hidden_layer", "namedtuple", code('''
        from collections import namedtuple

        Layer1 = namedtuple("Layer1", "h1 h2")


        def hidden_layer(x1, x2, w1, w2):
            inner = x1 + w1 * x2
            return Layer1(h1=inner * inner, h2=w2 * x1 * x2)
        ''')),
    Correct("hidden_layer", "math.pow", code('''
        import math


        def hidden_layer(x1, x2, w1, w2):
            return (math.pow(x1 + x2 * w1, 2), x1 * x2 * w2)
        ''')),

    # ---- layer 2: output_layer(h1, h2, w3, w4, w5) -> y_pred
    Mistake("output_layer", "bias forgotten", _output("w3 * h1 + w4 * h2 + w5", "w3 * h1 + w4 * h2"),
            "bias w5 is missing"),
    Mistake("output_layer", "w3 and w4 swapped", _output("w3 * h1 + w4 * h2 + w5", "w3 * h2 + w4 * h1 + w5"),
            "swapped"),
    Mistake("output_layer", "no weights", _output("w3 * h1 + w4 * h2 + w5", "h1 + h2 + w5"),
            "weights multiply the neurons"),
    Mistake("output_layer", "w3 left out", _output("w3 * h1 + w4 * h2 + w5", "h1 + w4 * h2 + w5"),
            "w3 multiplies h1"),
    Mistake("output_layer", "w4 left out", _output("w3 * h1 + w4 * h2 + w5", "w3 * h1 + h2 + w5"),
            "w4 multiplies h2"),
    Mistake("output_layer", "bias multiplied", _output("w3 * h1 + w4 * h2 + w5", "(w3 * h1 + w4 * h2) * w5"),
            "w5 is added, not multiplied"),
    Mistake("output_layer", "bias subtracted", _output("w3 * h1 + w4 * h2 + w5", "w3 * h1 + w4 * h2 - w5"),
            "not subtracted"),
    Mistake("output_layer", "one weight for both", _output("w3 * h1 + w4 * h2 + w5", "w3 * (h1 + h2) + w5"),
            "w4 weights h2"),
    Correct("output_layer", "numpy dot", code('''
        import numpy as np


        def output_layer(h1, h2, w3, w4, w5):
            return np.dot([w3, w4], [h1, h2]) + w5
        ''')),
    Correct("output_layer", "loop", code('''
        def output_layer(h1, h2, w3, w4, w5):
            y_pred = w5
            for weight, h in zip((w3, w4), (h1, h2)):
                y_pred += weight * h
            return y_pred
        ''')),
    Correct("output_layer", "numpy float", code('''
        import numpy as np


        def output_layer(h1, h2, w3, w4, w5):
            return np.float64(w5 + h2 * w4 + h1 * w3)
        ''')),

    # ---- total_squared_error(y_true, y_pred) -> Σ (y_true − y_pred)²
    Mistake("total_error", "differences added", _total("(t - p) ** 2", "(t - p)"), "cancel"),
    Mistake("total_error", "absolute values", _total("(t - p) ** 2", "abs(t - p)"), "absolute values"),
    Mistake("total_error", "mean", code('''
        def total_squared_error(y_true, y_pred):
            return sum((t - p) ** 2 for t, p in zip(y_true, y_pred)) / len(y_true)
        '''), "mean"),
    Mistake("total_error", "square of the sum", code('''
        def total_squared_error(y_true, y_pred):
            return sum(t - p for t, p in zip(y_true, y_pred)) ** 2
        '''), "squared the sum"),
    Mistake("total_error", "root", code('''
        def total_squared_error(y_true, y_pred):
            return sum((t - p) ** 2 for t, p in zip(y_true, y_pred)) ** 0.5
        '''), "square root"),
    Mistake("total_error", "overwritten in the loop", code('''
        def total_squared_error(y_true, y_pred):
            for t, p in zip(y_true, y_pred):
                total = (t - p) ** 2
            return total
        '''), "only the last example"),
    Mistake("total_error", "return inside the loop", code('''
        def total_squared_error(y_true, y_pred):
            total = 0
            for t, p in zip(y_true, y_pred):
                total += (t - p) ** 2
                return total
        '''), "only the first example"),
    Mistake("total_error", "difference of squares", _total("(t - p) ** 2", "(t ** 2 - p ** 2)"),
            "square the difference"),
    Mistake("total_error", "xor as power", _total("(t - p) ** 2", "(t - p) ^ 2"), "xor"),
    Mistake("total_error", "lists subtracted", code('''
        import numpy as np


        def total_squared_error(y_true, y_pred):
            return np.sum((y_true - y_pred) ** 2)
        '''), "np.array"),
    Correct("total_error", "numpy", code('''
        import numpy as np


        def total_squared_error(y_true, y_pred):
            d = np.asarray(y_true) - np.asarray(y_pred)
            return np.sum(d ** 2)
        ''')),
    Correct("total_error", "loop", code('''
        def total_squared_error(y_true, y_pred):
            total = 0.0
            for i in range(len(y_true)):
                difference = y_true[i] - y_pred[i]
                total += difference * difference
            return total
        ''')),
    Correct("total_error", "dot product", code('''
        import numpy as np


        def total_squared_error(y_true, y_pred):
            d = np.subtract(y_pred, y_true)
            return float(d @ d)
        ''')),
    Correct("total_error", "map and fsum", code('''
        import math


        def total_squared_error(y_true, y_pred):
            return math.fsum(map(lambda t, p: (t - p) ** 2, y_true, y_pred))
        ''')),
]
