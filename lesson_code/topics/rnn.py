"""A toy recurrent network for lesson 1: how much does the first token still matter?

The course's one recurrent network: lesson 25 runs the same cell to count how many
rounds of parallel work it needs (``lesson_code.topics.cost``).

The cell is the plain (Elman) tanh RNN with fixed random weights and no training:

    h_t = tanh(W_hh h_{t-1} + W_xh x_t),   h_0 = 0

Shapes: one token ``x_t`` is ``(d_x,)``, a sequence ``xs`` is ``(n, d_x)``, a batch of
sequences is ``(b, n, d_x)``; the hidden state ``h_t`` is ``(d_h,)``.

The influence of the first token on the last state is measured exactly, with the
Jacobian ``d h_n / d x_1`` (a ``(d_h, d_x)`` matrix built by the chain rule), and checked
against what happens to ``h_n`` when ``x_1`` is nudged (see ``perturbation_effect``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ToyRNN:
    """Weights of a tanh RNN.

    w_hh: (d_h, d_h)  state -> state
    w_xh: (d_h, d_x)  token -> state
    """

    w_hh: np.ndarray
    w_xh: np.ndarray

    @property
    def d_h(self) -> int:
        return self.w_hh.shape[0]

    @property
    def d_x(self) -> int:
        return self.w_xh.shape[1]


def make_rnn(d_h: int = 16, d_x: int = 8, radius: float = 0.9, seed: int = 0) -> ToyRNN:
    """Random Gaussian weights, with ``W_hh`` rescaled to spectral radius ``radius``.

    The spectral radius (largest |eigenvalue| of ``W_hh``) is the one knob that decides
    whether a linear recurrence shrinks (< 1) or blows up (> 1) what it carries.
    ``W_xh`` has variance ``1/d_x`` so a token with unit-variance entries adds a
    unit-variance input to every hidden unit.
    """
    rng = np.random.default_rng(seed)
    w_hh = rng.normal(0.0, 1.0 / np.sqrt(d_h), size=(d_h, d_h))
    w_hh *= radius / np.max(np.abs(np.linalg.eigvals(w_hh)))
    w_xh = rng.normal(0.0, 1.0 / np.sqrt(d_x), size=(d_h, d_x))
    return ToyRNN(w_hh=w_hh, w_xh=w_xh)


def spectral_radius(matrix) -> float:
    """Largest absolute eigenvalue of a square matrix."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(matrix, dtype=float)))))


# --8<-- [start:cell]
def rnn_step(rnn: ToyRNN, h_prev, x_t) -> np.ndarray:
    """One step of the cell: h_t = tanh(W_hh h_{t-1} + W_xh x_t).

    h_prev: (..., d_h), x_t: (..., d_x). Returns (..., d_h).
    """
    return np.tanh(h_prev @ rnn.w_hh.T + x_t @ rnn.w_xh.T)  # (..., d_h)


def run_rnn(rnn: ToyRNN, xs) -> np.ndarray:
    """All hidden states for one sequence or a batch, one step after the other.

    xs: (n, d_x) or (b, n, d_x). Returns (n, d_h) or (b, n, d_h).
    """
    xs = np.asarray(xs, dtype=float)
    d_x = xs.shape[-1]
    assert d_x == rnn.d_x, f"tokens have {d_x} numbers, the RNN expects {rnn.d_x}"
    h = np.zeros(xs.shape[:-2] + (rnn.d_h,))  # (..., d_h), h_0 = 0
    states = []
    for t in range(xs.shape[-2]):  # each step needs the state the previous step produced
        h = rnn_step(rnn, h, xs[..., t, :])  # (..., d_h)
        states.append(h)
    return np.stack(states, axis=-2)  # (..., n, d_h)


# --8<-- [end:cell]


def final_state(rnn: ToyRNN, xs) -> np.ndarray:
    """h_n, the one vector an encoder-decoder hands to its decoder. (d_h,) or (b, d_h)."""
    return run_rnn(rnn, xs)[..., -1, :]


# --8<-- [start:jacobian]
def jacobians_first_token(rnn: ToyRNN, xs) -> np.ndarray:
    """d h_t / d x_1 for every step t, by the chain rule.

    xs: (n, d_x) or (b, n, d_x).
    Returns (n, d_h, d_x) or (b, n, d_h, d_x); entry t-1 is d h_t / d x_1.
    Step 1: d h_1 / d x_1 = diag(1 - h_1^2) W_xh. Every later step
    multiplies on the left by d h_t / d h_{t-1} = diag(1 - h_t^2) W_hh.
    """
    hs = run_rnn(rnn, xs)  # (..., n, d_h)
    slope = 1.0 - hs[..., 0, :] ** 2  # (..., d_h): slope of tanh at step 1
    jac = slope[..., :, None] * rnn.w_xh  # (..., d_h, d_x)
    jacs = [jac]
    for t in range(1, hs.shape[-2]):
        slope = 1.0 - hs[..., t, :] ** 2  # (..., d_h): slope of tanh at step t+1
        jac = slope[..., :, None] * (rnn.w_hh @ jac)  # (..., d_h, d_x)
        jacs.append(jac)
    return np.stack(jacs, axis=-3)  # (..., n, d_h, d_x)


# --8<-- [end:jacobian]


def first_token_influence(rnn: ToyRNN, xs) -> np.ndarray:
    """Influence of x_1 on h_t for t = 1..n: the spectral norm of d h_t / d x_1.

    The spectral norm (largest singular value) is the most a small change in x_1 can be
    stretched on its way to h_t. xs: (n, d_x) or (b, n, d_x). Returns (n,) or (b, n).
    """
    return np.linalg.norm(jacobians_first_token(rnn, xs), ord=2, axis=(-2, -1))


def perturbation_effect(rnn: ToyRNN, xs, delta) -> float:
    """|h_n(x_1 + delta) - h_n(x_1)|: the change in the last state when x_1 is nudged.

    xs: (n, d_x); delta: (d_x,). For a small delta this is close to |J delta| with J the
    Jacobian above, which is how the tests check the chain rule.
    """
    xs = np.asarray(xs, dtype=float)
    nudged = xs.copy()
    nudged[0] += np.asarray(delta, dtype=float)
    return float(np.linalg.norm(final_state(rnn, nudged) - final_state(rnn, xs)))


def influence_curve(rnn: ToyRNN, n: int, n_samples: int = 200, seed: int = 1):
    """Influence of x_1 on h_t for t = 1..n, over ``n_samples`` random sequences.

    Tokens have standard normal entries. Returns three arrays of shape (n,): the median
    and the 10th and 90th percentiles across sequences.
    """
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n_samples, n, rnn.d_x))  # (b, n, d_x)
    influence = first_token_influence(rnn, xs)  # (b, n)
    median, p10, p90 = np.percentile(influence, [50, 10, 90], axis=0)  # each (n,)
    return median, p10, p90


def decay_per_step(curve) -> float:
    """Average factor by which the influence shrinks per extra token (geometric mean).

    curve: (n,) positive influences for t = 1..n; returns (curve[-1] / curve[0])^(1/(n-1)).
    """
    curve = np.asarray(curve, dtype=float)
    assert curve.ndim == 1 and len(curve) >= 2 and np.all(curve > 0), "need >= 2 positive values"
    return float((curve[-1] / curve[0]) ** (1.0 / (len(curve) - 1)))


def linear_readout_r2(
    rnn: ToyRNN, n: int, n_train: int = 3000, n_test: int = 1000, seed: int = 2
) -> float:
    """How much of x_1 a linear read-out can recover from h_n (R² on held-out sequences).

    Fits ``x_1 ≈ h_n A + b`` by least squares on ``n_train`` random sequences of length
    ``n`` and scores it on ``n_test`` others: 1 means x_1 is fully recoverable, 0 means
    the read-out does no better than guessing the average token.
    """
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n_train + n_test, n, rnn.d_x))  # (b, n, d_x)
    h_last = final_state(rnn, xs)  # (b, d_h)
    features = np.hstack([h_last, np.ones((len(xs), 1))])  # (b, d_h + 1)
    target = xs[:, 0, :]  # (b, d_x)
    coef, *_ = np.linalg.lstsq(features[:n_train], target[:n_train], rcond=None)
    pred = features[n_train:] @ coef
    truth = target[n_train:]
    residual = np.sum((truth - pred) ** 2)
    spread = np.sum((truth - truth.mean(axis=0)) ** 2)
    return float(1.0 - residual / spread)


def path_length(kind: str, n: int) -> int:
    """Number of steps (edges of the computation graph) from x_1 to the output at position n.

    "rnn": x_1 -> h_1 -> h_2 -> ... -> h_n is n steps: the input edge x_1 -> h_1 and the
    n - 1 recurrent steps h_1 -> h_n that the lessons count as the path length.
    "attention": one attention layer connects x_1 to every output directly: 1 step.
    """
    assert n >= 1, f"a sequence needs at least one token, got n={n}"
    if kind == "rnn":
        return n
    if kind == "attention":
        return 1
    raise ValueError(f"kind must be 'rnn' or 'attention', got {kind!r}")


def linear_influence(w: float, n: int) -> float:
    """d h_n / d x_1 for the scalar linear RNN h_t = w h_{t-1} + x_t: w^(n-1).

    The pencil-and-paper version of the decay: one factor w per token after the first.
    """
    assert n >= 1, f"a sequence needs at least one token, got n={n}"
    return float(w ** (n - 1))
