#!/usr/bin/env python3
"""Writes the per-round suboptimality of the sample-based APO bandit of spec ALGORITHMS.md §7.4, from numpy.

Output (committed, used by DpoLossTests): apo-sampled-bandit.json with, for alpha 0 (iterative DPO) and 0.3 and seeds
0..9, the suboptimality max r - E[r] of pi_hat_{t+1} after rounds t = 1..10 on r = (1, 0.8, 0), beta = 1, uniform start,
1,000 Bradley-Terry-labelled pairs per round.

It follows the procedure ApoReference.SampledSuboptimality documents, written again with numpy only (closed-form
gradient and Hessian of the sigmoid-DPO loss, numpy's pinv), and draws from np.random.default_rng(seed) in the same
order (y1, y2, then the label unless y1 == y2), so a C# run with NumpyGenerator must reproduce these numbers up to the
round solve's tolerance. Written by the same hands as the C# code, so it checks the port, not the reading of the spec.

Run: /usr/bin/python3 make_apo_sampled_bandit.py   (Debian python3 + numpy 1.24; deterministic)
"""
import json
import os

import numpy as np

REWARDS = np.array([1.0, 0.8, 0.0])
BETA = 1.0
ROUNDS = 10
PAIRS_PER_ROUND = 1000
SEEDS = range(10)
ALPHAS = (0.0, 0.3)

GRADIENT_TOLERANCE = 1e-8
MAX_ITERATIONS = 100
ARMIJO_FRACTION = 1e-4
PSEUDO_INVERSE_CUTOFF = 1e-12

N = len(REWARDS)
PAIRS = [(i, j) for i in range(N) for j in range(N) if i != j]  # row-major ordered pairs, as ApoReference.OrderedPairs
INCIDENCE = np.zeros((len(PAIRS), N))
for k, (i, j) in enumerate(PAIRS):
    INCIDENCE[k, i], INCIDENCE[k, j] = 1.0, -1.0


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def log_softmax(x):
    m = x.max()
    return x - m - np.log(np.exp(x - m).sum())


def sample_pair_weights(rng, logps):
    cumulative = np.cumsum(np.exp(logps))
    wins = np.zeros((N, N))
    for _ in range(PAIRS_PER_ROUND):
        first = min(int(np.searchsorted(cumulative, rng.random(), side="right")), N - 1)
        second = min(int(np.searchsorted(cumulative, rng.random(), side="right")), N - 1)
        if first == second:
            continue
        if rng.random() < sigmoid(REWARDS[first] - REWARDS[second]):
            wins[first, second] += 1
        else:
            wins[second, first] += 1
    kept = wins.sum()
    return np.array([wins[i, j] for i, j in PAIRS]) / kept if kept > 0 else np.zeros(len(PAIRS))


def newton_terms(logits, reference, weights):
    h = INCIDENCE @ (logits - reference)
    losses = np.logaddexp(0.0, -BETA * h)
    gradient = INCIDENCE.T @ (weights * -BETA * sigmoid(-BETA * h))
    hessian = INCIDENCE.T @ ((weights * BETA**2 * sigmoid(BETA * h) * sigmoid(-BETA * h))[:, None] * INCIDENCE)
    return (weights * losses).sum(), gradient, hessian


def solve_round(weights, reference, initial):
    logits = initial.copy()
    for _ in range(MAX_ITERATIONS):
        loss, gradient, hessian = newton_terms(logits, reference, weights)
        if np.linalg.norm(gradient) < GRADIENT_TOLERANCE:
            return log_softmax(logits)
        step = np.linalg.pinv(hessian, rcond=PSEUDO_INVERSE_CUTOFF, hermitian=True) @ gradient
        fraction = 1.0
        while newton_terms(logits - fraction * step, reference, weights)[0] > loss - ARMIJO_FRACTION * fraction * (gradient @ step):
            fraction /= 2
        logits = logits - fraction * step
    raise RuntimeError("round solve did not converge")


def suboptimality(alpha, seed):
    rng = np.random.default_rng(seed)
    uniform = np.full(N, -np.log(N))
    reference, previous, result = uniform, uniform, []
    for _ in range(ROUNDS):
        latest = solve_round(sample_pair_weights(rng, previous), reference, previous)
        result.append(REWARDS.max() - np.exp(latest) @ REWARDS)
        reference = log_softmax((1 + alpha) * latest - alpha * previous)
        previous = latest
    return result


def main():
    output = {
        "rewards": REWARDS.tolist(),
        "beta": BETA,
        "pairs_per_round": PAIRS_PER_ROUND,
        "seeds": list(SEEDS),
        "suboptimality": {str(alpha): [suboptimality(alpha, seed) for seed in SEEDS] for alpha in ALPHAS},
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "apo-sampled-bandit.json")
    with open(path, "w") as f:
        json.dump(output, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
