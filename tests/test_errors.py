import math

import numpy as np
import pytest

from course_lib import autodiff, batch, chain, descent, gradient, mlp, network
from course_lib.data import load_digits_split
from course_lib.errors import CourseInputError, require_finite, require_int, require_positive, require_vector

W = network.INITIAL_WEIGHTS
E = network.DATASET[0]
RNG = np.random.default_rng
MODEL = mlp.MLP([3, 4, 2], RNG(0))
X3 = np.zeros((2, 3))

CASES = [
    # errors
    ("finite: string", lambda: require_finite("lr", "0.1"), r"lr must be a finite number, got '0.1' \(str\)"),
    ("finite: nan", lambda: require_finite("x", math.nan), r"x must be a finite number, got nan"),
    ("finite: bool", lambda: require_finite("x", True), r"x must be a finite number, got True"),
    ("positive", lambda: require_positive("lr", -0.1), r"lr must be a finite number > 0, got -0.1"),
    ("positive: inf", lambda: require_positive("h", math.inf), r"h must be a finite number > 0, got inf"),
    ("int: float", lambda: require_int("n_iter", 3.0, 1), r"n_iter must be an integer >= 1, got 3.0 \(float\)"),
    ("int: small", lambda: require_int("n_iter", 0, 1), r"n_iter must be an integer >= 1, got 0"),
    ("vector: length", lambda: require_vector("x0", [1, 2, 3], 2), r"x0 must have length 2, got length 3"),
    ("vector: 2-D", lambda: require_vector("x", [[1], [2]]), r"x must be 1-D, got an array of shape \(2, 1\)"),
    ("vector: nan", lambda: require_vector("x", [1, math.nan]), r"x must contain only finite numbers"),
    ("vector: text", lambda: require_vector("x", "ab"), r"x must be a sequence of numbers"),
    # descent
    ("square: nan", lambda: descent.square(math.nan), r"x must be a finite number"),
    ("square: array inf", lambda: descent.square(np.array([1, np.inf])), r"x must contain only finite numbers"),
    ("numeric_derivative: f", lambda: descent.numeric_derivative(3, 1.0), r"f must be a function, got 3 \(int\)"),
    ("numeric_derivative: h", lambda: descent.numeric_derivative(descent.square, 1.0, h=0), r"h must be .* > 0, got 0"),
    ("gd1d: lr", lambda: descent.gradient_descent_1d(descent.square, descent.square_prime, 3, 0), r"lr must be .*> 0"),
    ("gd1d: n_iter", lambda: descent.gradient_descent_1d(descent.square, descent.square_prime, 3, 0.1, 0),
     r"n_iter must be an integer >= 1, got 0"),
    ("gd1d: x0", lambda: descent.gradient_descent_1d(descent.square, descent.square_prime, math.inf, 0.1),
     r"x0 must be a finite number"),
    ("gd1d: df", lambda: descent.gradient_descent_1d(descent.square, None, 3, 0.1), r"df must be a function"),
    ("diverged: empty", lambda: descent.diverged([]), r"trace must contain at least one step"),
    ("descend: tol", lambda: descent.descend(descent.two_valley_prime, 0.5, tol=-1), r"tol must be .* > 0"),
    ("descend: max_iter", lambda: descent.descend(descent.two_valley_prime, 0.5, max_iter=3),
     r"did not settle within max_iter=3"),
    ("which_valley: lr", lambda: descent.which_valley(0.5, lr=-1), r"lr must be .* > 0, got -1"),
    # gradient
    ("bowl: length", lambda: gradient.bowl([1, 2, 3]), r"x must have length 2, got length 3"),
    ("bowl_gradient: nan", lambda: gradient.bowl_gradient([1, math.nan]), r"x must contain only finite numbers"),
    ("partial: i too big", lambda: gradient.partial_derivative(gradient.bowl, [1, 2], 2),
     r"i must be an index < 2 \(the length of x\), got 2"),
    ("partial: i negative", lambda: gradient.partial_derivative(gradient.bowl, [1, 2], -1), r"i must be an integer >= 0"),
    ("numeric_gradient: x", lambda: gradient.numeric_gradient(gradient.bowl, [[1, 2]]), r"x must be 1-D"),
    ("gdnd: lr", lambda: gradient.gradient_descent_nd(gradient.bowl, gradient.bowl_gradient, [3, 2], -0.1),
     r"lr must be a finite number > 0, got -0.1"),
    ("gdnd: grad shape", lambda: gradient.gradient_descent_nd(gradient.bowl, lambda x: [1.0], [3, 2], 0.1),
     r"grad_f must return an array of shape \(2,\), got shape \(1,\)"),
    # chain
    ("chain_function", lambda: chain.chain_function("a", 1), r"x1 must be a finite number"),
    ("decompose", lambda: chain.decompose(1, math.nan), r"x2 must be a finite number"),
    ("chain_descent: x0", lambda: chain.chain_descent(x0=(1, 2, 3)), r"x0 must have length 2"),
    ("chain_descent: n_iter", lambda: chain.chain_descent(n_iter=0), r"n_iter must be an integer >= 1"),
    # autodiff
    ("Value: nan", lambda: autodiff.Value(math.nan), r"data must be a finite number"),
    ("Value: other", lambda: autodiff.Value(1.0) + "2", r"other must be a Value or a number, got str"),
    ("Value: pow Value", lambda: autodiff.Value(2.0) ** autodiff.Value(2.0), r"exponent must be a number"),
    ("Value: sqrt of negative", lambda: autodiff.Value(-2.0) ** 0.5, r"exponent 0.5 is not defined"),
    ("Value: log", lambda: autodiff.Value(0.0).log(), r"log needs data > 0, got 0"),
    ("Value: divide by 0", lambda: autodiff.Value(1.0) / 0, r"division by a Value whose data is 0"),
    ("Value: exp overflow", lambda: autodiff.Value(1000.0).exp(), r"exp overflowed"),
    ("graph: root", lambda: autodiff.graph(3.0), r"root must be a Value, got float"),
    ("chain_function_graph", lambda: autodiff.chain_function_graph(None, 1), r"x1 must be a finite number"),
    # network
    ("Weights: nan", lambda: network.Weights(1, 2, math.nan, 1, 0), r"w3 must be a finite number"),
    ("Weights.from_array", lambda: network.Weights.from_array([1, 2]), r"a must have length 5, got length 2"),
    ("forward: weights", lambda: network.forward([1, 2, 1, 1, 0], 3, 2), r"weights must be a Weights, got list"),
    ("forward: y_true", lambda: network.forward(W, 3, 2, math.inf), r"y_true must be a finite number"),
    ("forward_dataset: empty", lambda: network.forward_dataset(W, []), r"data must contain at least one Example"),
    ("total_squared_error: data", lambda: network.total_squared_error(W, [(3, 2, 24)]),
     r"data\[0\] must be an Example\(x1, x2, y_true\), got tuple"),
    ("backprop: example", lambda: network.backprop(W, network.Example(3, math.nan, 1)), r"example.x2 must be a finite"),
    ("update: gradient", lambda: network.update(W, [1, 2, 3, 4, 5], 0.1), r"gradient must be a Weights, got list"),
    ("update: lr", lambda: network.update(W, W, 0), r"lr must be a finite number > 0, got 0"),
    ("online_step: lr", lambda: network.online_step(W, E, -1), r"lr must be a finite number > 0, got -1"),
    ("target_function", lambda: network.target_function(1, "2"), r"x2 must be a finite number"),
    # batch
    ("batch_gradients: data", lambda: batch.batch_gradients(W, 5), r"data must be a sequence of Examples, got int"),
    ("batch_update: lr", lambda: batch.batch_update(W, network.DATASET, math.nan), r"lr must be a finite number > 0"),
    ("train_online: epochs", lambda: batch.train_online(W, network.DATASET, 0.1, 0), r"epochs must be an integer >= 1"),
    ("train_batch: weights", lambda: batch.train_batch(None, network.DATASET, 0.1, 1), r"weights must be a Weights"),
    ("train_minibatch: batch_size", lambda: batch.train_minibatch(W, network.DATASET, 0.1, 1, 0, RNG(0)),
     r"batch_size must be an integer >= 1, got 0"),
    ("train_minibatch: rng", lambda: batch.train_minibatch(W, network.DATASET, 0.1, 1, 1, 42),
     r"rng must be a numpy.random.Generator, got int"),
    # mlp
    ("relu: nan", lambda: mlp.relu(math.nan), r"x must be a finite number"),
    ("relu_prime: list", lambda: mlp.relu_prime([0, "a"]), r"x must be numbers, got \[0, 'a'\]"),
    ("sigmoid_prime: array", lambda: mlp.sigmoid_prime([1, math.inf]), r"x must contain only finite numbers"),
    ("mse: shapes", lambda: mlp.mse([1, 2], [1, 2, 3]), r"y_true and y_pred must have the same shape"),
    ("cross_entropy: sum", lambda: mlp.cross_entropy([0.5, 0.2], 0), r"probabilities must be non-negative and sum to 1"),
    ("cross_entropy: label", lambda: mlp.cross_entropy([0.8, 0.2], 2), r"label must be an integer index in 0..1, got 2"),
    ("softmax: empty", lambda: mlp.softmax([]), r"z must be a non-empty 1-D or 2-D array"),
    ("softmax_ce: labels", lambda: mlp.softmax_cross_entropy([[1.0, 2.0]], [2]), r"labels must be class indices in 0..1"),
    ("softmax_ce: float labels", lambda: mlp.softmax_cross_entropy([[1.0, 2.0]], [1.0]), r"labels must hold integer"),
    ("vanishing_product: depth", lambda: mlp.vanishing_product(0.3, -1), r"depth must be an integer >= 0, got -1"),
    ("MLP: sizes", lambda: mlp.MLP([3], RNG(0)), r"layer_sizes must list at least 2 layer widths"),
    ("MLP: zero width", lambda: mlp.MLP([3, 0, 2], RNG(0)), r"layer_sizes\[1\] must be an integer >= 1, got 0"),
    ("MLP: activation", lambda: mlp.MLP([3, 2], RNG(0), activation="softplus"),
     r"activation must be one of \['relu', 'sigmoid', 'square'\], got 'softplus'"),
    ("MLP: rng", lambda: mlp.MLP([3, 2], 0), r"rng must be a numpy.random.Generator, got int"),
    ("MLP.forward: columns", lambda: MODEL.forward(np.zeros((2, 4))), r"X must have 3 columns \(the input width\), got 4"),
    ("MLP.forward: nan", lambda: MODEL.forward(np.full((2, 3), np.nan)), r"X must contain only finite numbers"),
    ("MLP.backward: cache", lambda: MODEL.backward([], [0]), r"cache must be the second value returned by"),
    ("MLP.loss: labels", lambda: MODEL.loss(X3, [0]), r"y must be 1-D with one label per row \(2\), got shape \(1,\)"),
    ("MLP.step: shapes", lambda: MODEL.step([np.zeros(1)], 0.1), r"grads must match params"),
    ("MLP.accuracy: labels", lambda: MODEL.accuracy(X3, [0, 5]), r"y must be class indices in 0..1, got 0..5"),
    ("MLP.gradient_check: eps", lambda: MODEL.gradient_check(X3, [0, 1], eps=0), r"eps must be a finite number > 0"),
    ("train: model", lambda: mlp.train("m", X3, [0, 1], 1, 1, 0.1, RNG(0)), r"model must be an MLP, got str"),
    ("train: batch_size", lambda: mlp.train(MODEL, X3, [0, 1], 1, 0, 0.1, RNG(0)), r"batch_size must be an integer >= 1"),
    ("train: callback", lambda: mlp.train(MODEL, X3, [0, 1], 1, 1, 0.1, RNG(0), callback=1),
     r"callback must be a function"),
    # data
    ("load_digits_split: test_size", lambda: load_digits_split(test_size=1.5),
     r"test_size must be a fraction strictly between 0 and 1, got 1.5"),
    ("load_digits_split: seed", lambda: load_digits_split(seed=-1), r"seed must be an integer >= 0, got -1"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_rejected_with_a_clear_message(call, message):
    with pytest.raises(CourseInputError, match=message):
        call()


def test_course_input_error_is_a_value_error():
    assert issubclass(CourseInputError, ValueError)
