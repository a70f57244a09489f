"""Notebook 07 (scaling up): typical mistakes and correct answers in other styles."""

from functools import partial

from catalogue import Correct, Mistake, code, variant

NOTEBOOK = "07_scaling_up"

_relu = partial(variant, NOTEBOOK, "relu")
_sigmoid = partial(variant, NOTEBOOK, "sigmoid")
_ce = partial(variant, NOTEBOOK, "cross_entropy")
_dense = partial(variant, NOTEBOOK, "dense_backward")

RELU = "return np.maximum(x, 0.0)"
RELU_PRIME = "return (x > 0).astype(float)"
SIGMOID = "return 1.0 / (1.0 + np.exp(-x))"
SIGMOID_PRIME = "return s * (1.0 - s)"
DENSE = "return a.T @ delta, delta.sum(axis=0), delta @ W.T"

ENTRIES = [
    # ---- relu(x), relu_prime(x)
    Mistake("relu", "identity", _relu(RELU, "return x"), "negative inputs"),
    Mistake("relu", "absolute value", _relu(RELU, "return np.abs(x)"), "|x|"),
    Mistake("relu", "python max", _relu(RELU, "return max(0, x)"), "np.maximum"),
    Mistake("relu", "np.max", _relu(RELU, "return np.max(x, 0)"), "np.maximum"),
    Mistake("relu", "slope 1 at zero", _relu(RELU_PRIME, "return (x >= 0).astype(float)"), "at x = 0"),
    Mistake("relu", "slope as True/False", _relu(RELU_PRIME, "return x > 0"), ".astype(float)"),
    Mistake("relu", "slope is relu", _relu(RELU_PRIME, "return np.maximum(x, 0.0)"), "that is relu(x) itself"),
    Mistake("relu", "slope always 1", _relu(RELU_PRIME, "return np.ones_like(x)"), "flat"),
    Mistake("relu", "slope is the sign", _relu(RELU_PRIME, "return np.sign(x)"), "not −1"),
    Mistake("relu", "if on an array", _relu(RELU_PRIME, "return 1.0 if x > 0 else 0.0"), "np.where"),
    Correct("relu", "np.where", code('''
        import numpy as np


        def relu(x):
            return np.where(x > 0, x, 0.0)


        def relu_prime(x):
            return np.where(x > 0, 1.0, 0.0)
        ''')),
    Correct("relu", "mask and copy", code('''
        def relu(x):
            y = x.copy()
            y[y < 0] = 0
            return y


        def relu_prime(x):
            return 1.0 * (x > 0)
        ''')),
    Correct("relu", "list comprehension", code('''
        import numpy as np


        def relu(x):
            return np.array([v if v > 0 else 0.0 for v in x])


        def relu_prime(x):
            return np.array([1 if v > 0 else 0 for v in x])
        ''')),
    Correct("relu", "clip and heaviside", code('''
        import numpy as np


        def relu(x):
            return np.clip(x, 0, None)


        def relu_prime(x):
            return np.heaviside(x, 0.0)
        ''')),

    # ---- sigmoid(x), sigmoid_prime(x)
    Mistake("sigmoid", "exponent +x", _sigmoid(SIGMOID, "return 1.0 / (1.0 + np.exp(x))"), "the exponent is −x"),
    Mistake("sigmoid", "e^-x alone", _sigmoid(SIGMOID, "return np.exp(-x)"), "that is e^(−x)"),
    Mistake("sigmoid", "parentheses missing", _sigmoid(SIGMOID, "return 1.0 / 1.0 + np.exp(-x)"), "parentheses"),
    Mistake("sigmoid", "math.exp on an array", code('''
        import math


        def sigmoid(x):
            return 1.0 / (1.0 + math.exp(-x))


        def sigmoid_prime(x):
            s = sigmoid(x)
            return s * (1.0 - s)
        '''), "np.exp"),
    Mistake("sigmoid", "slope is sigmoid", _sigmoid(SIGMOID_PRIME, "return s"), "that is sigmoid(x) itself"),
    Mistake("sigmoid", "slope on x", _sigmoid(SIGMOID_PRIME, "return x * (1.0 - x)"), "not to x itself"),
    Mistake("sigmoid", "slope 1 - s", _sigmoid(SIGMOID_PRIME, "return 1.0 - s"), "not 1 − s"),
    Mistake("sigmoid", "slope s(1 + s)", _sigmoid(SIGMOID_PRIME, "return s * (1.0 + s)"), "not s·(1 + s)"),
    Mistake("sigmoid", "slope with a minus", _sigmoid(SIGMOID_PRIME, "return -s * (1.0 - s)"), "positive"),
    Correct("sigmoid", "tanh", code('''
        import numpy as np


        def sigmoid(x):
            return 0.5 * (1.0 + np.tanh(x / 2.0))


        def sigmoid_prime(x):
            return np.exp(-x) / (1.0 + np.exp(-x)) ** 2
        ''')),
    Correct("sigmoid", "math.exp per entry", code('''
        import math

        import numpy as np


        def sigmoid(x):
            return np.array([1 / (1 + math.exp(-v)) for v in x])


        def sigmoid_prime(x):
            return np.array([sigmoid(np.array([v]))[0] * (1 - sigmoid(np.array([v]))[0]) for v in x])
        ''')),
    Correct("sigmoid", "e^x form", code('''
        import numpy as np


        def sigmoid(x):
            e = np.exp(x)
            return e / (1 + e)


        def sigmoid_prime(x):
            s = sigmoid(x)
            return s - s ** 2
        ''')),

    # ---- cross_entropy(probabilities, label)
    Mistake("cross_entropy", "log10", _ce("-np.log(", "-np.log10("), "log10"),
    Mistake("cross_entropy", "log2", _ce("-np.log(", "-np.log2("), "log2"),
    Mistake("cross_entropy", "sign missing", _ce("-np.log(", "np.log("), "minus sign"),
    Mistake("cross_entropy", "other class", _ce("probabilities[label]", "probabilities[1 - label]"), "TRUE class"),
    Mistake("cross_entropy", "largest probability", _ce("probabilities[label]", "max(probabilities)"),
            "TRUE class"),
    Mistake("cross_entropy", "every class", code('''
        import numpy as np


        def cross_entropy(probabilities, label):
            return -np.sum(np.log(probabilities))
        '''), "only the true class counts"),
    Mistake("cross_entropy", "entropy", code('''
        import numpy as np


        def cross_entropy(probabilities, label):
            p = np.asarray(probabilities)
            return -np.sum(p * np.log(p))
        '''), "entropy"),
    Mistake("cross_entropy", "no log", _ce("-np.log(probabilities[label])", "1 - probabilities[label]"),
            "−ln p, not 1 − p"),
    Mistake("cross_entropy", "math.log of the list", code('''
        import math


        def cross_entropy(probabilities, label):
            return -math.log(probabilities)
        '''), "got a whole list"),
    Correct("cross_entropy", "math.log", code('''
        import math


        def cross_entropy(probabilities, label):
            return -math.log(probabilities[label])
        ''')),
    Correct("cross_entropy", "log of the reciprocal", code('''
        import numpy as np


        def cross_entropy(probabilities, label):
            return float(np.log(1.0 / probabilities[label]))
        ''')),
    Correct("cross_entropy", "one-hot sum", code('''
        import numpy as np


        def cross_entropy(probabilities, label):
            one_hot = np.zeros(len(probabilities))
            one_hot[label] = 1.0
            return -np.sum(one_hot * np.log(probabilities))
        ''')),

    # ---- dense_backward(a, W, delta) -> (dW, db, da)
    Mistake("dense_backward", "dW transposed", _dense("a.T @ delta", "delta.T @ a"), "a.T @ delta"),
    Mistake("dense_backward", "dW divided by n", _dense("a.T @ delta", "a.T @ delta / len(a)"),
            "don't divide by the batch size"),
    Mistake("dense_backward", "db averaged", _dense("delta.sum(axis=0)", "delta.mean(axis=0)"), "don't average"),
    Mistake("dense_backward", "db not summed", _dense("delta.sum(axis=0)", "delta"), "delta.sum(axis=0)"),
    Mistake("dense_backward", "db over the wrong axis", _dense("delta.sum(axis=0)", "delta.sum(axis=1)"), "axis=0"),
    Mistake("dense_backward", "da without the transpose", _dense("delta @ W.T", "delta @ W"), "transpose"),
    Mistake("dense_backward", "da in the wrong order", _dense("delta @ W.T", "W @ delta.T"), "delta @ W.T"),
    Mistake("dense_backward", "dW without the transpose", _dense("a.T @ delta", "a @ delta"), "transpose"),
    Mistake("dense_backward", "pair only", _dense(DENSE, "return a.T @ delta, delta.sum(axis=0)"), "the triple"),
    Mistake("dense_backward", "order swapped", _dense(DENSE, "return a.T @ delta, delta @ W.T, delta.sum(axis=0)"),
            "(dW, db, da)"),
    Mistake("dense_backward", "activation slope in da", code('''
        import numpy as np


        def dense_backward(a, W, delta):
            return a.T @ delta, delta.sum(axis=0), (delta @ W.T) * (a > 0)
        '''), "activation's derivative"),
    Correct("dense_backward", "np.dot and a list", code('''
        import numpy as np


        def dense_backward(a, W, delta):
            return [np.dot(a.T, delta), np.sum(delta, axis=0), np.dot(delta, W.T)]
        ''')),
    Correct("dense_backward", "loops over the batch", code('''
        import numpy as np


        def dense_backward(a, W, delta):
            dW = np.zeros_like(W)
            db = np.zeros(W.shape[1])
            da = np.zeros_like(a)
            for i in range(a.shape[0]):
                dW += np.outer(a[i], delta[i])
                db += delta[i]
                da[i] = W @ delta[i]
            return dW, db, da
        ''')),
    Correct("dense_backward", "namedtuple with einsum", code('''
        from collections import namedtuple

        import numpy as np

        Gradients = namedtuple("Gradients", "dW db da")


        def dense_backward(a, W, delta):
            return Gradients(np.einsum("ni,nj->ij", a, delta), delta.sum(0), np.einsum("nj,ij->ni", delta, W))
        ''')),
]
