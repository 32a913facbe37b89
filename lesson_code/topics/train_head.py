"""Train one attention head with plain numpy (lesson 19): the task, the forward pass, the
loss, every gradient by hand, and a gradient-descent loop that keeps snapshots.

The task is "predict the previous token". A sequence holds ``n`` tokens drawn at random
from a vocabulary of ``vocab`` letters; the target at position i is the token at i - 1
(position 0 has no previous token and is left out of the loss). Nothing about a token
says which token came before it, so the only way to solve the task is for position i to
look at position i - 1 and copy what is there: exactly what an attention head can learn.

The model is one head and nothing else (no residual stream, no MLP):

    x       = [one-hot token | one-hot position]          (n, d)   d = vocab + n
    q, k, v = x W_Q, x W_K, x W_V                         (n, d_k), (n, d_k), (n, vocab)
    output  = softmax(q kᵀ / √d_k, causal mask) v        (n, vocab)
    logits  = output                                     one value entry per vocabulary token
    loss    = mean over positions 1..n-1 of -log softmax(logits)[target]

The value vectors have one entry per vocabulary token, so the head's output is read
directly as the logits (a fixed identity readout). The learned parameters are the three
projections W_Q, W_K and W_V. Because the input is two one-hot blocks side by side, the
matrix W_Q W_Kᵀ (d, d) splits into blocks that can be read: its position block (n, n)
says which key position each query position looks for.

The backward pass runs the chain rule by hand: the softmax cross-entropy gives
``d_logits``; ``lesson_code.attention.scaled_dot_product_attention_backward`` turns it
into ``d_q, d_k, d_v``; each projection's gradient is ``xᵀ`` times its output's gradient.

Shapes: ``b`` sequences in a batch, ``n`` positions, ``vocab`` tokens, ``d = vocab + n``
input features, ``d_k`` query/key size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lesson_code.attention import (
    causal_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
    softmax,
)

VOCAB = 8  # tokens "A" .. "H"
N_POSITIONS = 8  # tokens per sequence
D_K = 8  # size of queries and keys
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PARAMS = ("w_q", "w_k", "w_v")

# The lesson's run: 128 training sequences, plain gradient descent at this learning rate
# (slow enough to watch the head form step by step), a snapshot every few steps.
LESSON_LR = 2.0
LESSON_STEPS = 200
SNAPSHOT_EVERY = 5
TRAIN_SEED, TEST_SEED, N_TRAIN, N_TEST = 0, 1, 128, 256


# ---------------------------------------------------------------------------------------
# The task
# ---------------------------------------------------------------------------------------


def make_sequences(n_sequences, n=N_POSITIONS, vocab=VOCAB, seed=0):
    """Random token ids, (n_sequences, n) ints in [0, vocab), drawn with a fixed seed."""
    if n_sequences < 1 or n < 2 or vocab < 2:
        raise ValueError(
            f"need n_sequences >= 1, n >= 2 and vocab >= 2, got {n_sequences}, {n}, {vocab}"
        )
    rng = np.random.default_rng(seed)
    return rng.integers(0, vocab, size=(n_sequences, n))


def previous_token_targets(tokens):
    """The target of position i is the token at i - 1: (b, n) ints, -1 at position 0."""
    tokens = np.asarray(tokens)
    targets = np.full_like(tokens, -1)
    targets[..., 1:] = tokens[..., :-1]
    return targets


def encode(tokens, vocab=VOCAB, positions=True):
    """Inputs x: (b, n, vocab + n), a one-hot token next to a one-hot position.

    Side by side is the same as adding a token embedding and a position encoding that
    live in separate coordinates: x = E[token] + P[position]. With ``positions=False``
    the position part is all zeros (same shape): a head that cannot tell positions apart.
    """
    tokens = np.asarray(tokens)
    if tokens.min() < 0 or tokens.max() >= vocab:
        raise ValueError(f"token ids must lie in [0, {vocab}), got {tokens.min()}..{tokens.max()}")
    *lead, n = tokens.shape
    x = np.zeros((*lead, n, vocab + n))
    x[..., :vocab] = np.eye(vocab)[tokens]  # token part
    if positions:
        x[..., vocab:] = np.eye(n)  # position part, the same for every sequence
    return x


def lesson_data():
    """The lesson's sequences: (x_train, y_train, x_test, y_test, test_tokens).

    x: (b, n, d) inputs, y: (b, n) targets; the test sequences are drawn with another
    seed, so the trained head is measured on sequences it never saw.
    """
    train_tokens = make_sequences(N_TRAIN, seed=TRAIN_SEED)
    test_tokens = make_sequences(N_TEST, seed=TEST_SEED)
    return (
        encode(train_tokens),
        previous_token_targets(train_tokens),
        encode(test_tokens),
        previous_token_targets(test_tokens),
        test_tokens,
    )


def lesson_run():
    """The lesson's training run (init_params(), LESSON_LR, LESSON_STEPS, SNAPSHOT_EVERY)."""
    x_train, y_train, *_ = lesson_data()
    return train(init_params(), x_train, y_train, LESSON_LR, LESSON_STEPS, SNAPSHOT_EVERY)


def token_labels(tokens):
    """Letters for token ids: [0, 2, 1] -> ['A', 'C', 'B']."""
    return [LETTERS[int(t)] for t in tokens]


# ---------------------------------------------------------------------------------------
# The model: parameters, forward pass, loss
# ---------------------------------------------------------------------------------------


def init_params(vocab=VOCAB, n=N_POSITIONS, d_k=D_K, scale=0.3, seed=19):
    """Random W_Q, W_K (d, d_k) and W_V (d, vocab) with entries of standard deviation
    ``scale``; d = vocab + n. Returns a dict of arrays keyed by PARAMS."""
    rng = np.random.default_rng(seed)
    d = vocab + n
    return {
        "w_q": rng.normal(0, scale, (d, d_k)),
        "w_k": rng.normal(0, scale, (d, d_k)),
        "w_v": rng.normal(0, scale, (d, vocab)),
    }


# --8<-- [start:forward]
def forward(params, x):
    """One head on a batch. x: (b, n, d).

    Returns a dict with q, k (b, n, d_k), v (b, n, vocab), weights (b, n, n) and
    logits (b, n, vocab): the attention output, read as one score per vocabulary token.
    """
    n = x.shape[-2]
    q = x @ params["w_q"]  # (b, n, d_k)
    k = x @ params["w_k"]  # (b, n, d_k)
    v = x @ params["w_v"]  # (b, n, vocab)
    output, weights = scaled_dot_product_attention(q, k, v, causal_mask(n))
    return {"q": q, "k": k, "v": v, "weights": weights, "logits": output}


# --8<-- [end:forward]


def attention_scores(params, x):
    """The scaled scores q kᵀ / √d_k, (b, n, n), before the mask and the softmax."""
    q, k = x @ params["w_q"], x @ params["w_k"]
    return q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])


def log_softmax(logits):
    """log softmax over the last axis, computed stably (largest logit first set to 0)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy(logits, targets):
    """Mean of -log p(target) over the positions whose target is >= 0.

    logits: (b, n, vocab); targets: (b, n) ints, -1 where there is nothing to predict.
    """
    used = targets >= 0
    log_p = log_softmax(logits)  # (b, n, vocab)
    picked = np.take_along_axis(log_p, np.maximum(targets, 0)[..., None], axis=-1)[..., 0]
    return float(-picked[used].mean())


def accuracy(logits, targets):
    """Fraction of the used positions where the largest logit is the target token."""
    used = targets >= 0
    return float((logits.argmax(axis=-1) == targets)[used].mean())


# ---------------------------------------------------------------------------------------
# The gradients, by hand
# ---------------------------------------------------------------------------------------


# --8<-- [start:gradients]
def loss_and_gradients(params, x, targets):
    """The loss and its gradient with respect to every parameter, by the chain rule.

    x: (b, n, d); targets: (b, n), -1 where unused. Returns (loss, grads) where grads
    has the keys and shapes of params.
    """
    cache = forward(params, x)
    loss = cross_entropy(cache["logits"], targets)
    # 1. the readout: d loss / d logits of softmax cross-entropy is p - one_hot(target)
    used = targets >= 0
    d_logits = softmax(cache["logits"], axis=-1)  # (b, n, vocab): p
    d_logits[used, targets[used]] -= 1.0  # p - one_hot(target)
    d_logits[~used] = 0.0  # position 0 is not in the loss
    d_logits /= used.sum()  # the loss is a mean over the used positions
    # 2. attention, backwards: the logits are the attention output
    d_q, d_k, d_v = scaled_dot_product_attention_backward(
        cache["q"], cache["k"], cache["v"], d_logits, causal_mask(x.shape[-2])
    )
    # 3. the projections: q = x W_Q, so d W_Q = xᵀ d_q, summed over sequences
    flat_x = x.reshape(-1, x.shape[-1])  # (b * n, d)
    grads = {
        "w_q": flat_x.T @ d_q.reshape(-1, d_q.shape[-1]),  # (d, d_k)
        "w_k": flat_x.T @ d_k.reshape(-1, d_k.shape[-1]),  # (d, d_k)
        "w_v": flat_x.T @ d_v.reshape(-1, d_v.shape[-1]),  # (d, vocab)
    }
    return loss, grads


# --8<-- [end:gradients]


def numeric_gradients(params, x, targets, step=1e-6):
    """The same gradients by central finite differences of the loss, one entry at a time."""
    grads = {}
    for name in PARAMS:
        grad = np.zeros_like(params[name])
        for index in np.ndindex(grad.shape):
            plus = {key: value.copy() for key, value in params.items()}
            minus = {key: value.copy() for key, value in params.items()}
            plus[name][index] += step
            minus[name][index] -= step
            loss_plus = cross_entropy(forward(plus, x)["logits"], targets)
            loss_minus = cross_entropy(forward(minus, x)["logits"], targets)
            grad[index] = (loss_plus - loss_minus) / (2 * step)
        grads[name] = grad
    return grads


def max_relative_error(grads, reference):
    """Largest |a - b| over all entries, divided by the largest |b|: one number for all."""
    worst = max(np.max(np.abs(grads[k] - reference[k])) for k in PARAMS)
    size = max(np.max(np.abs(reference[k])) for k in PARAMS)
    return float(worst / size)


# ---------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------


@dataclass
class Run:
    """What one training run produced.

    params: the final parameters; losses: (steps + 1,) the training loss before each
    step and after the last; snapshots: {step: params} copies at the saved steps.
    """

    params: dict
    losses: np.ndarray
    snapshots: dict


# --8<-- [start:train]
def train(params, x, targets, lr, steps, snapshot_every=10):
    """Plain gradient descent: every step, w <- w - lr * d loss / d w, for each parameter.

    Returns a Run. A copy of the parameters is kept every ``snapshot_every`` steps
    (step 0 is the starting point). Stops early, with the loss set to inf from there on,
    if the loss stops being a finite number (a learning rate far too large).
    """
    params = {name: value.copy() for name, value in params.items()}
    losses = np.full(steps + 1, np.inf)
    snapshots = {}
    for step in range(steps + 1):
        if step % snapshot_every == 0 or step == steps:
            snapshots[step] = {name: value.copy() for name, value in params.items()}
        loss, grads = loss_and_gradients(params, x, targets)
        if not np.isfinite(loss):
            break
        losses[step] = loss
        if step == steps:
            break  # the last entry is the loss after the final update
        for name in PARAMS:
            params[name] -= lr * grads[name]  # the whole update rule
    return Run(params, losses, snapshots)


# --8<-- [end:train]


def query_key_matrix(params):
    """W_Q W_Kᵀ: (d, d). Entry (a, b) is how much an input feature a of a query adds to
    the score per unit of input feature b of a key (before dividing by √d_k)."""
    return params["w_q"] @ params["w_k"].T


def position_block(params, vocab=VOCAB):
    """The (n, n) block of W_Q W_Kᵀ that links a query's position to a key's position."""
    return query_key_matrix(params)[vocab:, vocab:]


def weight_on_previous(weights):
    """Mean attention weight that positions 1..n-1 put on position i - 1.

    weights: (..., n, n). Uniform causal weights would give mean(1 / (i + 1)) over i >= 1.
    """
    weights = np.asarray(weights)
    n = weights.shape[-1]
    rows = np.arange(1, n)
    return float(weights[..., rows, rows - 1].mean())


def uniform_weight_on_previous(n=N_POSITIONS):
    """What weight_on_previous gives for a head that spreads evenly over the allowed keys."""
    return float(np.mean([1 / (i + 1) for i in range(1, n)]))


# ---------------------------------------------------------------------------------------
# A two-key example small enough to do by hand (for the quiz)
# ---------------------------------------------------------------------------------------


def two_key_step(theta, lr):
    """One gradient-descent step on a one-parameter head, by hand.

    A query sees two keys: the previous token with score ``theta`` and itself with score
    0. Its weight on the previous token is w = softmax([theta, 0])[0] and the loss is
    -log w. Since d loss / d theta = w - 1, one step gives theta' = theta - lr (w - 1).
    Returns (theta', the new weight on the previous token).
    """
    w = softmax(np.array([theta, 0.0]))[0]
    new_theta = theta - lr * (w - 1.0)
    return float(new_theta), float(softmax(np.array([new_theta, 0.0]))[0])
