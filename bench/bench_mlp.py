"""course_lib's MLP against scikit-learn's MLPClassifier on the bundled digits.

Same architecture (64-64-10, ReLU, softmax output), same split, same epochs, batch size
and learning rate, same algorithm (plain mini-batch SGD: sklearn with momentum=0, no L2
penalty, constant rate), both reshuffling every epoch, both limited to one BLAS/OpenMP
thread. Each library is trained epoch by epoch; the clock runs only while training
(test-accuracy evaluation is excluded for both). Reports medians over several seeds.

    .venv/bin/python bench/bench_mlp.py [--repeats 5]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy loads: same single thread for both libraries

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from _meta import finish_meta, run_meta  # noqa: E402

from course_lib.data import load_digits_split  # noqa: E402
from course_lib.mlp import MLP, train  # noqa: E402

SETTINGS = {"hidden": 64, "epochs": 40, "batch_size": 16, "lr": 0.1, "target_accuracy": 0.97, "split_seed": 0}
RESULT = Path(__file__).parent / "results" / "mlp.json"


def run_course_lib(data, seed):
    X_train, X_test, y_train, y_test = data
    model = MLP([64, SETTINGS["hidden"], 10], np.random.default_rng(seed))
    accuracies, train_times = [], []
    clock = {"start": time.perf_counter(), "paused": 0.0}

    def after_epoch(epoch, log):
        paused_at = time.perf_counter()
        train_times.append(paused_at - clock["start"] - clock["paused"])
        accuracies.append(model.accuracy(X_test, y_test))
        clock["paused"] += time.perf_counter() - paused_at

    train(model, X_train, y_train, SETTINGS["epochs"], SETTINGS["batch_size"], SETTINGS["lr"],
          np.random.default_rng(seed + 1000), callback=after_epoch)
    return accuracies, train_times


def run_sklearn(data, seed):
    X_train, X_test, y_train, y_test = data
    model = MLPClassifier(
        hidden_layer_sizes=(SETTINGS["hidden"],), activation="relu", solver="sgd", alpha=0.0,
        batch_size=SETTINGS["batch_size"], learning_rate="constant", learning_rate_init=SETTINGS["lr"],
        momentum=0.0, nesterovs_momentum=False, shuffle=True, random_state=seed,
    )
    classes = np.arange(10)
    accuracies, train_times, elapsed = [], [], 0.0
    for _ in range(SETTINGS["epochs"]):
        start = time.perf_counter()
        model.partial_fit(X_train, y_train, classes=classes)  # one epoch per call
        elapsed += time.perf_counter() - start
        train_times.append(elapsed)
        accuracies.append(float(model.score(X_test, y_test)))
    return accuracies, train_times


def summarize(accuracies, train_times):
    target = SETTINGS["target_accuracy"]
    first = next((i for i, a in enumerate(accuracies) if a >= target), None)
    return {
        "time_to_target_s": None if first is None else train_times[first],
        "epochs_to_target": None if first is None else first + 1,
        "final_accuracy": accuracies[-1],
        "seconds_per_epoch": train_times[-1] / len(train_times),
        "accuracy_per_epoch": accuracies,
    }


def median_of(runs, key):
    values = [r[key] for r in runs if r[key] is not None]
    return statistics.median(values) if len(values) == len(runs) else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    meta = run_meta()
    data = load_digits_split(test_size=0.25, seed=SETTINGS["split_seed"])
    runs = {"course_lib": [], "sklearn": []}
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for seed in range(args.repeats):
            runs["course_lib"].append(summarize(*run_course_lib(data, seed)))
            runs["sklearn"].append(summarize(*run_sklearn(data, seed)))
    medians = {
        name: {key: median_of(rs, key) for key in ("time_to_target_s", "epochs_to_target", "final_accuracy",
                                                    "seconds_per_epoch")}
        for name, rs in runs.items()
    }
    ours, theirs = medians["course_lib"], medians["sklearn"]
    ratio = (ours["time_to_target_s"] / theirs["time_to_target_s"]
             if ours["time_to_target_s"] and theirs["time_to_target_s"] else None)
    per_epoch_ratio = ours["seconds_per_epoch"] / theirs["seconds_per_epoch"]
    print(f"MLP 64-{SETTINGS['hidden']}-10 ReLU, SGD lr={SETTINGS['lr']}, batch {SETTINGS['batch_size']}, "
          f"{SETTINGS['epochs']} epochs, {args.repeats} seeds, 1 thread; medians")
    print(f"{'library':<12}{'time to ' + format(SETTINGS['target_accuracy'], '.0%'):>14}{'epochs':>8}"
          f"{'s/epoch':>10}{'final acc':>11}")
    for name, m in medians.items():
        t = "never" if m["time_to_target_s"] is None else f"{m['time_to_target_s']:.3f} s"
        e = "-" if m["epochs_to_target"] is None else f"{m['epochs_to_target']:g}"
        print(f"{name:<12}{t:>14}{e:>8}{m['seconds_per_epoch']:>10.4f}{m['final_accuracy']:>11.2%}")
    print(f"ratio course_lib/sklearn: time to target {ratio if ratio is None else round(ratio, 3)}, "
          f"per epoch {per_epoch_ratio:.3f}")
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps({
        "meta": finish_meta(meta), "settings": SETTINGS, "repeats": args.repeats, "threads": 1, "medians": medians,
        "ratio_time_to_target": ratio, "ratio_seconds_per_epoch": per_epoch_ratio, "runs": runs,
        "versions": {"numpy": np.__version__},
    }, indent=1) + "\n")


if __name__ == "__main__":
    main()
