"""Helpers for lesson 18, the backward pass of attention by hand.

The backward pass itself is the course API,
``lesson_code.attention.scaled_dot_product_attention_backward``. This module holds what
the lesson needs around it:

- the softmax Jacobian ``diag(w) - w wᵀ`` as a matrix (``softmax_jacobian``) and the
  cheap product with it that never builds the matrix (``softmax_backward``);
- a tiny worked example with a squared-error loss (``tiny_example``, ``squared_error_loss``);
- the gradient check: central (or one-sided) finite differences (``numeric_gradient``,
  ``numeric_attention_gradients``) and the error measure (``relative_error``);
- the experiment on gradient size with and without the 1/√d_k scaling
  (``unscaled_attention_backward``, ``query_gradient_sizes``).

Shapes: ``q (n_q, d_k)``, ``k (n_k, d_k)``, ``v (n_k, d_v)``, ``d_output (n_q, d_v)``; a
leading batch axis is allowed where the docstring says so. Everything is deterministic.
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import (
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
)

# ---------------------------------------------------------------------------------------
# The softmax Jacobian
# ---------------------------------------------------------------------------------------


# --8<-- [start:jacobian]
def softmax_jacobian(weights):
    """How each weight moves when each score moves: J[i, j] = d w_i / d s_j.

    weights: (..., n) one softmax row (or a batch of rows). Returns (..., n, n):
    diag(w) - w wᵀ, that is w_i (1 - w_i) on the diagonal and -w_i w_j off it.
    """
    w = np.asarray(weights, dtype=float)
    diagonal = w[..., :, None] * np.eye(w.shape[-1])  # (..., n, n): w_i on the diagonal
    return diagonal - w[..., :, None] * w[..., None, :]  # minus the outer product w wᵀ


def softmax_backward(weights, d_weights):
    """Jᵀ g for every row without building J: w * (g - w·g).

    weights, d_weights: (..., n). Returns d_scores (..., n). J is symmetric, so this is
    also J g. Each score's gradient is its weight times how far its own gradient g_i lies
    above the weighted average w·g of the row.
    """
    w = np.asarray(weights, dtype=float)
    g = np.asarray(d_weights, dtype=float)
    if w.shape != g.shape:
        raise ValueError(f"weights {w.shape} and d_weights {g.shape} must have the same shape")
    row_average = np.sum(w * g, axis=-1, keepdims=True)  # (..., 1): w·g
    return w * (g - row_average)


# --8<-- [end:jacobian]

# ---------------------------------------------------------------------------------------
# A tiny example with a loss
# ---------------------------------------------------------------------------------------


def tiny_example():
    """Three tokens with d_k = d_v = 2, and a target output for each: (q, k, v, target).

    q, k: (3, 2); v: (3, 2); target: (3, 2). Small round numbers, so every intermediate
    of the backward pass can be printed and read.
    """
    q = np.array([[1.0, 0.0], [0.5, 1.0], [-1.0, 0.5]])
    k = np.array([[1.0, 0.5], [0.0, 1.0], [-0.5, -1.0]])
    v = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    target = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    return q, k, v, target


def squared_error_loss(q, k, v, target, mask=None):
    """L = ½ Σ (output - target)², with output = attention(q, k, v). Returns a float.

    Its gradient with respect to the output is output - target: that is the d_output
    the backward pass starts from.
    """
    output, _ = scaled_dot_product_attention(q, k, v, mask)  # (n_q, d_v)
    return float(0.5 * np.sum((output - np.asarray(target, dtype=float)) ** 2))


# ---------------------------------------------------------------------------------------
# The gradient check
# ---------------------------------------------------------------------------------------


# --8<-- [start:numeric]
def numeric_gradient(f, x, step=1e-6, central=True):
    """The gradient of the scalar function f at x, estimated one entry at a time.

    f: takes an array shaped like x and returns a float. x: any shape.
    central=True:  (f(x + h e_i) - f(x - h e_i)) / 2h, error shrinks like h²
    central=False: (f(x + h e_i) - f(x)) / h,          error shrinks like h
    Returns an array shaped like x.
    """
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    f_x = None if central else f(x)
    for index in np.ndindex(x.shape):
        plus = x.copy()
        plus[index] += step
        if central:
            minus = x.copy()
            minus[index] -= step
            grad[index] = (f(plus) - f(minus)) / (2 * step)
        else:
            grad[index] = (f(plus) - f_x) / step
    return grad


# --8<-- [end:numeric]


def numeric_attention_gradients(q, k, v, target, mask=None, step=1e-6, central=True):
    """(d_q, d_k, d_v) of ``squared_error_loss`` by finite differences, one array at a time."""
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    return (
        numeric_gradient(lambda x: squared_error_loss(x, k, v, target, mask), q, step, central),
        numeric_gradient(lambda x: squared_error_loss(q, x, v, target, mask), k, step, central),
        numeric_gradient(lambda x: squared_error_loss(q, k, x, target, mask), v, step, central),
    )


def relative_error(analytic, numeric):
    """max |analytic - numeric| / max |numeric|: the largest disagreement, relative to the
    largest gradient entry. 0 for a perfect match; about 1e-8 or less is a pass."""
    a = np.asarray(analytic, dtype=float)
    n = np.asarray(numeric, dtype=float)
    scale = max(float(np.max(np.abs(n))), 1e-300)  # an all-zero gradient: compare absolutely
    return float(np.max(np.abs(a - n)) / scale)


def gradient_check(q, k, v, target, mask=None, step=1e-6, central=True):
    """The largest ``relative_error`` over d_q, d_k and d_v between the hand-derived
    backward pass and finite differences of ``squared_error_loss``. Returns a float."""
    output, _ = scaled_dot_product_attention(q, k, v, mask)
    d_output = output - np.asarray(target, dtype=float)  # dL/d output for L = ½ Σ (o - t)²
    analytic = scaled_dot_product_attention_backward(q, k, v, d_output, mask)
    numeric = numeric_attention_gradients(q, k, v, target, mask, step, central)
    return max(relative_error(a, n) for a, n in zip(analytic, numeric, strict=True))


# ---------------------------------------------------------------------------------------
# Gradient size with and without 1/√d_k
# ---------------------------------------------------------------------------------------


# --8<-- [start:unscaled]
def unscaled_attention_backward(q, k, v, d_output):
    """(d_q, d_k, d_v) for attention *without* the 1/√d_k: softmax(q kᵀ) v.

    No second derivation is needed: q kᵀ equals (√d_k q) kᵀ / √d_k, so unscaled attention
    is the course's scaled attention given the queries √d_k q. The chain rule then says
    the gradient for q is √d_k times the gradient for those stretched queries.
    Shapes as ``scaled_dot_product_attention_backward`` (batch axes allowed).
    """
    q = np.asarray(q, dtype=float)
    stretch = np.sqrt(q.shape[-1])  # √d_k
    d_q, d_k, d_v = scaled_dot_product_attention_backward(q * stretch, k, v, d_output)
    return d_q * stretch, d_k, d_v


# --8<-- [end:unscaled]


def query_gradient_sizes(d_k, scaled=True, n_tokens=16, d_v=16, n_draws=200, seed=0):
    """Length of every query's gradient ‖d_q_i‖ for random attention at key size d_k.

    Each draw has n_tokens queries and n_tokens keys of size d_k, values of size d_v and an
    incoming gradient d_output, every component N(0, 1), as at initialisation. d_v stays
    fixed so that only the scaling of the scores changes with d_k. The same seed gives the
    same numbers with and without scaling. Returns (n_draws * n_tokens,) lengths.
    """
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((n_draws, n_tokens, d_k))  # (draws, n, d_k)
    k = rng.standard_normal((n_draws, n_tokens, d_k))  # (draws, n, d_k)
    v = rng.standard_normal((n_draws, n_tokens, d_v))  # (draws, n, d_v)
    d_output = rng.standard_normal((n_draws, n_tokens, d_v))  # (draws, n, d_v)
    backward = scaled_dot_product_attention_backward if scaled else unscaled_attention_backward
    d_q, _, _ = backward(q, k, v, d_output)  # (draws, n, d_k)
    return np.linalg.norm(d_q, axis=-1).ravel()


def median_query_gradient(d_k, scaled=True, seed=0):
    """The median of ``query_gradient_sizes(d_k, scaled, seed=seed)``: a typical ‖d_q_i‖."""
    return float(np.median(query_gradient_sizes(d_k, scaled, seed=seed)))
