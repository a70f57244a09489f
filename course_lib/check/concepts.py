"""Concept checks: two to four questions per notebook on its key ideas, each answer explained.

A question is multiple choice (every choice says why it is right or wrong) or numeric (the
accepted interval, the typical wrong answers with what they reveal, and a hint for any other).
Each question is registered with ``core.exercise`` as exercise ``concept_<name>`` of its
notebook, so a learner's answer shows in the notebook's progress table. They are not graded
by nbgrader. Every number in a prompt or an explanation is computed here from course_lib's
math when a notebook's questions are first asked for (``questions(notebook_id)``).

``course_lib.view.quiz`` shows them; the browser picks the feedback from the same data
(``Question.spec()``) and the kernel records the answer by running the registered check.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
import zlib
from dataclasses import dataclass, replace

import numpy as np

from course_lib import batch, chain, descent, gradient, mlp, network
from course_lib.check.core import CONCEPT, CheckFailed, exercise

# What counts as a typed number, here and in the browser (the pattern is sent to it): plain or
# scientific notation, a Unicode minus allowed. Nothing else (no "1,5", no "1_000", no "nan").
NUMBER = r"^\s*[-+\u2212]?(\d+(\.\d*)?|\.\d+)([eE][-+\u2212]?\d+)?\s*$"
_NUMBER = re.compile(NUMBER)
LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Band:
    """Numeric answers in [low, high] around `value` and what giving one of them means."""

    value: float
    low: float
    high: float
    why: str

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


def around(value: float, why: str, rel: float = 0.005) -> Band:
    """The answers within rel (relative) of value: 1.92 accepts 1.911…1.929, 5.9e-6 accepts 5.9e-6."""
    if value == 0 or not math.isfinite(value):
        raise ValueError(f"around() needs a finite non-zero value, got {value!r}")
    width = rel * abs(value)
    return Band(value, value - width, value + width, why)


@dataclass(frozen=True)
class Feedback:
    correct: bool
    text: str


def parse_number(text: str) -> float | None:
    """A typed answer as a float, or None when it is not a number as NUMBER defines it."""
    if not isinstance(text, str) or not _NUMBER.match(text):
        return None
    return float(text.strip().replace("\u2212", "-"))


def show(x: float, digits: int = 4) -> str:
    """A number as the course prints it (4 significant digits, a real minus sign)."""
    return f"{x:.{digits}g}".replace("-", "\u2212")


@dataclass(frozen=True)
class Question:
    notebook_id: str
    name: str
    title: str
    prompt: str
    choices: tuple[Choice, ...] = ()
    answer: Band | None = None        # numeric questions: the accepted band and why it is right
    mistakes: tuple[Band, ...] = ()   # numeric questions: known wrong answers
    hint: str = ""                    # numeric questions: any other wrong answer

    @property
    def exercise_id(self) -> str:
        return f"concept_{self.name}"

    @property
    def kind(self) -> str:
        return "number" if self.answer is not None else "choice"

    def judge(self, answer) -> Feedback:
        """Right or wrong and why, for a choice index (choice questions) or a number/str (numeric)."""
        if self.kind == "choice":
            if type(answer) is not int or not 0 <= answer < len(self.choices):
                letters = ", ".join(LETTERS[:len(self.choices)])
                raise CheckFailed(f"pick one of the choices {letters}, you gave {answer!r}")
            choice = self.choices[answer]
            return Feedback(choice.correct, choice.why)
        value = parse_number(answer) if isinstance(answer, str) else (
            float(answer) if type(answer) in (int, float) else None)
        if value is None or not math.isfinite(value):
            raise CheckFailed(f"type a number such as 1.92 or 5.9e-6, you gave {answer!r}")
        if self.answer.holds(value):
            return Feedback(True, self.answer.why)
        for band in self.mistakes:
            if band.holds(value):
                return Feedback(False, band.why)
        return Feedback(False, self.hint)

    def spec(self) -> dict:
        """What the browser needs to give the same feedback without asking the kernel."""
        out = {"notebook": self.notebook_id, "name": self.name, "title": self.title, "prompt": self.prompt,
               "kind": self.kind}
        if self.kind == "choice":
            out["choices"] = [{"text": c.text, "correct": c.correct, "why": c.why} for c in self.choices]
        else:
            band = lambda b: {"value": show(b.value, 6), "low": b.low, "high": b.high, "why": b.why}  # noqa: E731
            out.update(number=NUMBER, answer=band(self.answer), mistakes=[band(b) for b in self.mistakes],
                       hint=self.hint)
        return out


def mixed(name: str, choices) -> tuple[Choice, ...]:
    """The choices in an order fixed per question (written right-answer-first, never shown so)."""
    order = np.random.default_rng(zlib.crc32(name.encode())).permutation(len(choices))
    return tuple(choices[i] for i in order)


def _registered(question: Question):
    """The check function progress() counts: passes on a right answer, CheckFailed(why) otherwise."""

    def check(answer):
        feedback = question.judge(answer)
        if not feedback.correct:
            raise CheckFailed(feedback.text)
        return feedback

    check.__name__ = f"check_{question.exercise_id}"
    return exercise(question.notebook_id, question.exercise_id, f"concept check: {question.title}",
                    kind=CONCEPT)(check)


# ------------------------------------------------------------------ the questions, per notebook

def _part1() -> list[Question]:
    nb = "01_gradient_descent"
    left, _peak, right = descent.two_valley_critical_points()
    start = 0.5
    ends = descent.which_valley(start)
    lr, x0 = 0.1, 3.0
    two = descent.gradient_descent_1d(descent.square, descent.square_prime, x0, lr, n_iter=2)
    one = two[0].new_x
    added = x0 * (1 + 2 * lr) ** 2
    no_two = x0 * (1 - lr) ** 2
    big = 1.1
    diverges = descent.diverged(descent.gradient_descent_1d(descent.square, descent.square_prime, x0, big, 20))
    exact = 0.5    # the rate that lands on the bottom in one step: 1 − 2η = 0
    half = descent.gradient_descent_1d(descent.square, descent.square_prime, x0, exact, 1)[0].new_x
    return [
        Question(nb, "global_valley", "which valley is the global minimum?",
                 f"f(x) = x⁴ − 4x² + x + 1 has two valleys: one at x = {show(left.x)} where f = {show(left.fx)}, "
                 f"one at x = {show(right.x)} where f = {show(right.fx)}. Which is the global minimum?", (
            Choice(f"the left one, x = {show(left.x)}", True,
                   f"Global means lowest of all, and f = {show(left.fx)} there is below "
                   f"f = {show(right.fx)}. Where descent ends does not enter into it."),
            Choice(f"the right one, x = {show(right.x)}", False,
                   f"Descent from x₀ = {show(start)} ends at x = {show(ends.x)}, but where descent ends says "
                   f"nothing about the lowest point: the right valley is lowest only in its own neighbourhood "
                   f"(a local minimum), its f = {show(right.fx)} is above f = {show(left.fx)} on the left."),
            Choice("both: each one is a minimum", False,
                   "Both are minima (the slope is 0 and the curve bends up), but only one can be the "
                   f"lowest: the left valley's f = {show(left.fx)} beats the right's f = {show(right.fx)}."),
            Choice("whichever valley descent ends in", False,
                   f"Where descent ends depends on the start: from x₀ = {show(start)} it ends at "
                   f"x = {show(ends.x)}, a local minimum. The global minimum is a property of f alone."),
        )),
        Question(nb, "two_steps", "two steps down x²",
                 f"Gradient descent on f(x) = x² from x₀ = {show(x0)} with η = {show(lr)}. "
                 "What is x after two steps?",
                 answer=around(two[-1].new_x,
                               f"Each step is x ← x − η·2x = (1 − 2η)·x, so two steps multiply x₀ by "
                               f"(1 − 2·{show(lr)})²: {show(x0)} → {show(one)} → {show(two[-1].new_x)}."),
                 mistakes=(around(one, f"{show(one)} is x after one step; take one more from there."),
                           around(added, "That is the step added instead of subtracted: descent moves "
                                         "against the slope, x − η·f'(x)."),
                           around(no_two, "The slope of x² is 2x, not x: the factor per step is 1 − 2η.")),
                 hint="Apply x ← x − η·f'(x) with f'(x) = 2x twice, starting at x₀."),
        Question(nb, "large_rate", "a learning rate that is too large",
                 f"On f(x) = x², what does descent from x₀ = {show(x0)} do with η = {show(big)}?", (
            Choice("it overshoots 0 further at every step and diverges", diverges,
                   f"Each step multiplies x by 1 − 2η = {show(1 - 2 * big)}, and |{show(1 - 2 * big)}| > 1, "
                   "so x flips sign and grows: every step overshoots further."),
            Choice(f"it reaches 0 faster than with η = {show(lr)}", not diverges,
                   f"A larger step only helps while |1 − 2η| < 1. With η = {show(big)} the factor is "
                   f"{show(1 - 2 * big)}: x grows in size instead of shrinking."),
            Choice("it lands exactly on 0 after one step", False,
                   f"That happens for η = {show(exact)} (from {show(x0)} to {show(half)}), where 1 − 2η = 0. "
                   f"With η = {show(big)} the factor is {show(1 - 2 * big)}."),
            Choice("it creeps towards 0 very slowly", False,
                   "That is what a very small η does (a factor 1 − 2η just below 1). A too large η "
                   "overshoots instead."),
        )),
    ]


def _part2() -> list[Question]:
    nb = "02_partial_derivatives"
    point = (3.0, 2.0)
    g1, g2 = (float(v) for v in gradient.bowl_gradient(point))
    lr = 0.1
    f1, f2 = 1 - 2 * lr, 1 - 4 * lr
    return [
        Question(nb, "partial_x2", "a partial derivative of the bowl",
                 f"f(x1, x2) = x1² + 2·x2². What is ∂f/∂x2 at (x1, x2) = ({show(point[0])}, {show(point[1])})?",
                 answer=around(g2, f"Hold x1 fixed: x1² is a constant (slope 0) and 2·x2² has slope 4·x2, "
                                   f"so ∂f/∂x2 = 4·{show(point[1])} = {show(g2)}."),
                 mistakes=(around(g1, f"{show(g1)} is ∂f/∂x1 = 2·x1: differentiate with respect to x2."),
                           around(2 * point[1], "The coefficient 2 of 2·x2² stays: d(2x2²)/dx2 = 4·x2."),
                           around(gradient.bowl(point), f"{show(gradient.bowl(point))} is f itself, not its slope."),
                           around(g1 + g2, "x1 is held constant, so x1² adds nothing to ∂f/∂x2.")),
                 hint="Treat x1 as a fixed number and differentiate x1² + 2·x2² with respect to x2."),
        Question(nb, "faster_coordinate", "which coordinate settles first?",
                 f"Descent on the bowl f = x1² + 2·x2² with η = {show(lr)}. Which coordinate shrinks faster?", (
            Choice("x2", True,
                   f"∂f/∂x2 = 4·x2, so each step multiplies x2 by 1 − 4η = {show(f2)}, while x1 is "
                   f"multiplied by 1 − 2η = {show(f1)}. The steeper direction settles first."),
            Choice("x1", False,
                   f"x1's factor per step is 1 − 2η = {show(f1)}, x2's is 1 − 4η = {show(f2)}: x2 shrinks "
                   "faster because the bowl is steeper along x2."),
            Choice("both at the same pace: there is one learning rate", False,
                   "One η, but two slopes: ∂f/∂x1 = 2·x1 and ∂f/∂x2 = 4·x2. The step along each "
                   f"coordinate is η times its own slope, so the factors differ ({show(f1)} and {show(f2)})."),
            Choice("neither: the dot spirals around the bottom", False,
                   "It does not spiral (the script says so, see erratum P2-3): each coordinate shrinks on "
                   "its own by a fixed factor per step and never changes sign for this η."),
        )),
        Question(nb, "simultaneous", "why update both coordinates at once?",
                 "Descent computes ∂f/∂x1 and ∂f/∂x2 first and only then moves x1 and x2. Why not move x1 "
                 "first and take ∂f/∂x2 at the new x1?", (
            Choice("the gradient is the slope at one point; after moving x1 the slope along x2 belongs to "
                   "another point", True,
                   "Both partials describe the hill where you stand. On this bowl the order happens "
                   "not to matter (∂f/∂x2 = 4·x2 does not involve x1), but where the partials are coupled the "
                   "one-at-a-time path is a different, wrong one."),
            Choice("it would be slower to compute", False,
                   "Both orders compute the same number of derivatives. The difference is where ∂f/∂x2 is "
                   "measured: at the current point, or at a half-moved one."),
            Choice("it makes no difference for any function", False,
                   "It makes none on this bowl, because ∂f/∂x2 = 4·x2 ignores x1. When ∂f/∂x2 depends "
                   "on x1 (coupled partials), moving x1 first changes the next step."),
        )),
    ]


def _part3() -> list[Question]:
    nb = "03_chain_rule"
    p = chain.decompose(1.0, 0.5)
    product_all = p.df_dv * p.dv_du * p.du_dx2 * p.dv_dx2_direct
    return [
        Question(nb, "two_paths", "x2 reaches f along two paths",
                 f"x2 reaches f through u (∂v/∂u·∂u/∂x2) and directly (∂v/∂x2 = 6·x2). At (x1, x2) = "
                 f"({show(p.x1)}, {show(p.x2)}) the local derivatives are ∂f/∂v = {show(p.df_dv)}, "
                 f"∂v/∂u = {show(p.dv_du)}, ∂u/∂x2 = {show(p.du_dx2)}, ∂v/∂x2 = {show(p.dv_dx2_direct)}. "
                 "How does the chain rule combine them?", (
            Choice("multiply along each path, then add the paths", True,
                   f"∂f/∂x2 = ∂f/∂v·(∂v/∂u·∂u/∂x2 + ∂v/∂x2) = {show(p.df_dv)}·({show(p.dv_du)}·"
                   f"{show(p.du_dx2)} + {show(p.dv_dx2_direct)}) = {show(p.df_dx2)}. Each path carries its "
                   "own share of the blame, and the shares add."),
            Choice("multiply all the local derivatives of both paths", False,
                   f"That gives {show(product_all)}, not {show(p.df_dx2)}: the two paths are alternatives "
                   "that each pass some blame, so their products add; they do not multiply."),
            Choice("keep only the path with the larger product", False,
                   f"Both paths change v when x2 changes, so both count: dropping the direct one gives "
                   f"{show(p.df_dv * p.dv_du * p.du_dx2)} instead of {show(p.df_dx2)}."),
            Choice("add all the local derivatives", False,
                   "Along one path the effects compound (a change is scaled at every link), so the links "
                   "multiply; only whole paths add."),
        )),
        Question(nb, "df_dx1", "∂f/∂x1 along one path",
                 f"At (x1, x2) = ({show(p.x1)}, {show(p.x2)}): ∂u/∂x1 = {show(p.du_dx1)}, "
                 f"∂v/∂u = 2u = {show(p.dv_du)}, ∂f/∂v = 3v² = {show(p.df_dv)}. What is ∂f/∂x1?",
                 answer=around(p.df_dx1, f"x1 has one path, x1 → u → v → f, so its blame is the product: "
                                         f"{show(p.df_dv)} × {show(p.dv_du)} × {show(p.du_dx1)} = {show(p.df_dx1)}."),
                 mistakes=(around(p.df_dv + p.dv_du + p.du_dx1, "The links of one path multiply, they do not add."),
                           around(p.df_dv * p.dv_du,
                                  f"The first link ∂u/∂x1 = {show(p.du_dx1)} is missing from the product."),
                           around(p.df_dv * p.du_dx1, "The middle link ∂v/∂u = 2u is missing from the product.")),
                 hint="Multiply the three local derivatives along x1's path."),
        Question(nb, "node_blame", "what the graph's ∂f means",
                 "In the computation graph, each node shows its value and, once the blame has reached it, "
                 "a number ∂f. What does that number say?", (
            Choice("how much f changes per unit change of that node's value", True,
                   "It is the node's share of the blame, collected from every edge that leaves it "
                   "(each edge's blame is the next node's ∂f times the edge's local derivative)."),
            Choice("the node's value after the forward pass", False,
                   "The value is the other number in the node (computed forward). ∂f is computed backward, "
                   "from f towards the inputs."),
            Choice("the local derivative of the edge into the node", False,
                   "Local derivatives sit on the edges. ∂f of a node multiplies them along every path from "
                   "the node to f."),
            Choice("how much the node changes when x1 changes", False,
                   "That would be a forward derivative ∂node/∂x1. Backpropagation computes the reverse: "
                   "∂f/∂node, for every node at once."),
        )),
    ]


def _part4() -> list[Question]:
    nb = "04_forward_pass"
    start = network.INITIAL_WEIGHTS
    first = network.DATASET[0]
    fw = network.forward(start, first.x1, first.x2, first.y_true)
    bias = 5.0
    moved = network.forward(network.Weights(start.w1, start.w2, start.w3, start.w4, bias), first.x1, first.x2)
    # The w5 at which the three raw differences add up to zero (w5 shifts every prediction equally).
    at_start = network.forward_dataset(start)
    cancel = start.w5 + sum(r.difference for r in at_start) / len(at_start)
    cancelled = network.forward_dataset(network.Weights(start.w1, start.w2, start.w3, start.w4, cancel))
    diffs = ", ".join(show(r.difference, 3) for r in cancelled)
    squares = network.total_squared_error(network.Weights(start.w1, start.w2, start.w3, start.w4, cancel))
    misses = sorted(abs(r.difference) for r in cancelled)
    small_miss, big_miss = misses[0], misses[-1]
    return [
        Question(nb, "variables", "what the network's variables are",
                 "When the network learns, which numbers does gradient descent change?", (
            Choice("the five weights w1 … w5", True,
                   "The weights are the knobs. The error is a function of them, and each step turns "
                   "every weight against its slope."),
            Choice("the inputs x1 and x2", False,
                   "The inputs are the data: an example's (x1, x2) is given. Changing them would only "
                   "change the question, not the network."),
            Choice("the targets y_true", False,
                   "The targets are what we want the network to predict; moving them would hide the "
                   "error instead of reducing it."),
            Choice("h1 and h2", False,
                   "h1 and h2 are computed from the inputs and the weights in every forward pass; they "
                   "change only because the weights do."),
        )),
        Question(nb, "squared", "why the errors are squared",
                 f"With w5 = {show(cancel)} (the other weights as at the start), the three differences "
                 f"y_true − y_pred are {diffs}: they add up to 0. Why does the course add their squares instead?", (
            Choice("so that misses of opposite sign cannot cancel", True,
                   f"The raw sum 0 would call the network perfect while every prediction is off; "
                   f"the squares add up to {show(squares)}. Squaring also makes big misses weigh most, and "
                   "its slope 2·(y_pred − y_true) shrinks smoothly as a miss shrinks."),
            Choice("to make the error smaller and easier to minimise", False,
                   f"Squares make big misses bigger, not smaller: here the squared total is "
                   f"{show(squares)} where the raw sum is 0."),
            Choice("because the network's neurons use x²", False,
                   "The error function is separate from the neurons: h1 = (x1 + w1·x2)² would be squared "
                   "whatever error we chose. The square in the error is there so misses cannot cancel."),
            Choice("only to make each term positive: |y_true − y_pred| would work just as well", False,
                   "|d| also stops the cancelling, but its slope jumps from −1 to +1 at a perfect "
                   f"prediction and it weighs the miss of {show(big_miss, 3)} only {show(big_miss / small_miss, 2)} "
                   f"times the miss of {show(small_miss, 3)} (squared: {show((big_miss / small_miss) ** 2, 2)} "
                   "times); the square's slope shrinks smoothly and big misses count most."),
        )),
        Question(nb, "bias", "what w5 does",
                 f"Example 1 is (x1, x2) = ({show(first.x1)}, {show(first.x2)}). With the starting weights "
                 f"y_pred = {show(fw.y_pred)}. Change only w5 from {show(start.w5)} to {show(bias)}: "
                 "what is y_pred now?",
                 answer=around(moved.y_pred, f"w5 is a bias: y_pred = w3·h1 + w4·h2 + w5, so it is added "
                                             f"to the prediction as it is: {show(fw.y_pred)} + {show(bias)} = "
                                             f"{show(moved.y_pred)}."),
                 mistakes=(around(fw.y_pred, "w5 is part of y_pred = w3·h1 + w4·h2 + w5: changing it "
                                             "changes the prediction."),
                           around(fw.y_pred * bias, "w5 is added, not multiplied: it rides on the bias input 1.")),
                 hint="Write out y_pred = w3·h1 + w4·h2 + w5 with the new w5."),
    ]


def _part5() -> list[Question]:
    nb = "05_backpropagation"
    bp = network.backprop(network.INITIAL_WEIGHTS, network.DATASET[0])
    fw, dE = bp.forward, bp.dE_dy
    h1 = bp.local["∂y_pred/∂w3"]
    g3 = bp.gradient.w3
    lr = 1e-4
    return [
        Question(nb, "shared_factor", "the factor every chain shares",
                 "Every weight's blame is a chain of local derivatives. Which factor do all five chains share "
                 "(so backpropagation computes it once)?", (
            Choice(f"∂Error/∂y_pred = 2·(y_pred − y_true), {show(dE)} on example 1", True,
                   "Every weight reaches the error through y_pred, so every chain starts with "
                   "∂Error/∂y_pred. Computing it once and passing it back is what makes backpropagation cheap."),
            Choice(f"∂y_pred/∂w3 = h1, {show(h1)} on example 1", False,
                   "Only w3's chain contains it: the other weights reach y_pred through h2, the bias or h1's "
                   "own weight w1."),
            Choice("∂h1/∂w1", False, "Only w1's chain passes through h1's weight."),
            Choice("the learning rate η", False,
                   "η is not a derivative and is in no chain; it only sets how far each weight moves "
                   "once its gradient is known."),
        )),
        Question(nb, "blame_w3", "the blame of w3",
                 f"On example 1 with the starting weights, ∂Error/∂y_pred = {show(dE)} and ∂y_pred/∂w3 = h1 = "
                 f"{show(h1)}. What is ∂Error/∂w3?",
                 answer=around(g3, f"w3's chain has two links: ∂Error/∂y_pred × ∂y_pred/∂w3 = {show(dE)} × "
                                   f"{show(h1)} = {show(g3)}."),
                 mistakes=(around(dE + h1, "The links of a chain multiply, they do not add."),
                           around(-g3, "The sign is flipped: ∂Error/∂y_pred = 2·(y_pred − y_true), positive "
                                       "when the prediction is too high."),
                           around(g3 / 2, "The factor 2 of the square's derivative is missing.")),
                 hint="Multiply the two local derivatives of w3's chain."),
        Question(nb, "step_direction", "which way w3 moves",
                 f"∂Error/∂w3 = {show(g3)} on example 1. With η = {show(lr)}, what does one update do to w3?", (
            Choice(f"w3 decreases by η·{show(g3)} = {show(lr * g3)}", g3 > 0,
                   "A positive gradient means a larger w3 gives a larger error, so w3 moves the "
                   "other way, by η times the gradient."),
            Choice(f"w3 increases by {show(lr * g3)}", g3 < 0,
                   "Descent moves against the slope: w ← w − η·∂Error/∂w. A positive gradient makes w3 smaller."),
            Choice(f"w3 decreases by {show(g3)}", False,
                   f"The step is η times the gradient ({show(lr * g3)}), not the gradient itself: η keeps "
                   "the step small enough not to overshoot."),
            Choice("only the weight with the largest gradient moves", False,
                   "All five weights move in the same update, each by η times its own gradient."),
        )),
    ]


def _part6() -> list[Question]:
    nb = "06_batch_learning"
    n = len(network.DATASET)
    size = 2
    history = batch.train_minibatch(network.INITIAL_WEIGHTS, network.DATASET, 1e-4, 1, size,
                                    np.random.default_rng(0))
    updates = len(history.losses) - 1
    return [
        Question(nb, "batch_changes", "what batch learning changes",
                 "Compared with online learning, what does batch learning change?", (
            Choice(f"when the weights move: once per epoch, with the {n} examples' gradients summed", True,
                   f"Online learning updates after every example ({n} updates per epoch, each pulled "
                   "towards one example); batch learning adds up the same per-example gradients and makes "
                   "one update per epoch."),
            Choice("the gradient of each example", False,
                   "Each example's gradient is the same backpropagation in both; what differs is whether the "
                   "weights move after each one or once after all of them."),
            Choice("the error being minimised", False,
                   "Both minimise the total squared error over the examples; they take different routes "
                   "down the same hill."),
            Choice("it picks a larger learning rate by itself", False,
                   "η is chosen by us in both. A summed gradient is larger than one example's, so with the "
                   "same η the batch step is larger: that is a consequence, not a different rate."),
        )),
        Question(nb, "minibatch_updates", "updates per epoch of a mini-batch",
                 f"The data has {n} examples. How many weight updates does one epoch of mini-batch learning "
                 f"with batch size {size} make?",
                 answer=around(float(updates), f"The examples are split into batches of at most {size}: "
                                               f"ceil({n} / {size}) = {updates} batches, one update each "
                                               "(the last batch is smaller)."),
                 mistakes=(around(n / size, f"{n} / {size} is not a whole number: the last, smaller batch "
                                            "still makes an update."),
                           around(float(n), f"{n} updates is online learning (batch size 1)."),
                           around(1.0, f"1 update is batch learning (all {n} examples in one batch).")),
                 hint="Count the batches one epoch splits the examples into."),
        Question(nb, "sum_or_mean", "summed or averaged gradients",
                 f"The course sums the {n} examples' gradients. What changes if you average them instead "
                 f"(divide by {n})?", (
            Choice(f"only the step length: same direction, {n} times shorter, like η/{n}", True,
                   f"Dividing every gradient by {n} keeps their proportions, so the direction is the "
                   f"same and each step is as long as with η/{n}."),
            Choice("the direction of the step", False,
                   f"Dividing all five numbers by the same {n} cannot change the direction, only the length."),
            Choice("nothing at all", False,
                   f"The step is {n} times shorter: with the same η, training is slower (or a too large η "
                   "becomes safe)."),
            Choice("batch learning becomes online learning", False,
                   "Online learning is about when the weights move (after every example), not about "
                   "dividing the summed gradient."),
        )),
    ]


def _part7() -> list[Question]:
    nb = "07_scaling_up"
    factor, depth = 0.3, 10
    left = mlp.vanishing_product(factor, depth)
    best_sigmoid = float(mlp.sigmoid_prime(0.0))
    relu_active = float(mlp.relu_prime(1.0))
    deep = 20
    return [
        Question(nb, "vanishing", "what 0.3^depth does to the blame",
                 f"Each layer passes back a fraction {show(factor)} of the blame it receives. How much of the "
                 f"blame is left after {depth} layers?",
                 answer=around(left, f"The fractions multiply: {show(factor)}^{depth} = {show(left)}. The "
                                     "early layers get almost nothing, so they barely learn."),
                 mistakes=(around(factor * depth, "The fractions multiply at every layer; they do not add up."),
                           around(factor / depth, "Each layer multiplies by the fraction again: "
                                                  f"{show(factor)}^{depth}, not {show(factor)}/{depth}."),
                           around(factor, f"{show(factor)} is what is left after one layer.")),
                 hint=f"Multiply {show(factor)} by itself once per layer."),
        Question(nb, "sigmoid_depth", "why deep sigmoid networks learn slowly",
                 f"The sigmoid's slope is at most σ'(0) = {show(best_sigmoid)}. What does that do to the blame "
                 f"reaching the first of {deep} sigmoid layers?", (
            Choice(f"at most {show(best_sigmoid)}^{deep} = {show(mlp.vanishing_product(best_sigmoid, deep))} "
                   "of it arrives", True,
                   f"Every layer multiplies by σ' ≤ {show(best_sigmoid)}, so even at the best point "
                   "the blame shrinks geometrically with depth."),
            Choice("it grows with every layer and explodes", False,
                   f"Growth needs a factor above 1; the sigmoid's is at most {show(best_sigmoid)}, so the "
                   "blame shrinks."),
            Choice(f"{show(best_sigmoid)} of it arrives, whatever the depth", False,
                   f"{show(best_sigmoid)} is one layer's factor; {deep} layers multiply it {deep} times."),
            Choice("the same as with ReLU", False,
                   f"An active ReLU passes a factor {show(relu_active)}: "
                   f"{show(relu_active)}^{deep} = {show(mlp.vanishing_product(relu_active, deep))}."),
        )),
        Question(nb, "relu_blame", "how ReLU keeps the blame alive",
                 "What does an active ReLU neuron (input x > 0) pass back of the blame it receives?", (
            Choice(f"all of it: relu'(x) = {show(relu_active)} for x > 0", True,
                   f"Its slope is exactly {show(relu_active)} where it is active, so "
                   f"{show(relu_active)}^depth stays {show(relu_active)} at any depth."),
            Choice(f"a quarter, like the sigmoid at best ({show(best_sigmoid)})", False,
                   f"That is the sigmoid's best; ReLU's slope is {show(relu_active)} wherever the neuron is "
                   "active (and 0 where it is not)."),
            Choice("x times the blame", False, "ReLU(x) = x for x > 0 has slope 1, not x."),
            Choice("nothing", False, "That is an inactive ReLU (x < 0). An active one passes it all."),
        )),
    ]


BUILDERS = {
    "01_gradient_descent": _part1, "02_partial_derivatives": _part2, "03_chain_rule": _part3,
    "04_forward_pass": _part4, "05_backpropagation": _part5, "06_batch_learning": _part6,
    "07_scaling_up": _part7,
}


@functools.cache
def _questions(notebook_id: str) -> tuple[tuple[Question, object], ...]:
    from course_lib.check import PARTS

    importlib.import_module(f"course_lib.check.{PARTS[notebook_id]}")  # its exercises come first in the table
    made = [replace(q, choices=mixed(q.name, q.choices)) for q in BUILDERS[notebook_id]()]
    return tuple((q, _registered(q)) for q in made)


def questions(notebook_id: str) -> tuple[Question, ...]:
    """The notebook's concept questions, registered in its progress table on the first call."""
    if notebook_id not in BUILDERS:
        raise ValueError(f"notebook_id must be one of {', '.join(BUILDERS)}, got {notebook_id!r}")
    return tuple(q for q, _ in _questions(notebook_id))


def question(notebook_id: str, name: str) -> Question:
    for q in questions(notebook_id):
        if q.name == name:
            return q
    raise ValueError(f"{notebook_id} has no concept question {name!r}")


def answer(notebook_id: str, name: str, given) -> Feedback:
    """Run the registered check on a learner's answer: the progress table records the outcome."""
    questions(notebook_id)
    check = dict((q.name, c) for q, c in _questions(notebook_id))[name]
    try:
        return check(given)
    except CheckFailed as failed:
        return Feedback(False, str(failed))
