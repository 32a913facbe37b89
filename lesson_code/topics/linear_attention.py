"""Linear attention and long context (lesson 24): the same formula in three orders of work,
what it costs as the sequence grows, what it loses, and where softmax puts spare weight.

- ``linear_attention_weights`` / ``linear_attention_quadratic``: the n² way, the weight
  matrix φ(Q)φ(K)ᵀ normalised by row, then times V (what the API's
  ``lesson_code.attention.linear_attention`` never builds);
- ``linear_attention_recurrent``: causal linear attention as a recurrent network with a
  fixed-size state, one token at a time (lesson 1's RNN, with a sum for a cell);
- ``softmax_attention_macs``, ``linear_attention_macs``, ``kv_cache_numbers``,
  ``linear_state_numbers``: multiply-adds and memory against the length n;
- ``recall_task`` and ``recall_scores``: associative recall built by hand (no training),
  softmax against linear attention on the same queries, keys and values;
- ``first_token_weights``: how much weight a trained model's heads put on the first token.

Shapes follow ``lesson_code.attention``: ``q`` (n_q, d_k), ``k`` (n_k, d_k), ``v`` (n_k, d_v).
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import causal_mask, elu_plus_one, scaled_dot_product_attention

# ---------------------------------------------------------------------------------------
# The quadratic order and the recurrent order
# ---------------------------------------------------------------------------------------


# --8<-- [start:quadratic]
def linear_attention_weights(q, k, causal=False):
    """The (..., n_q, n_k) weight matrix of linear attention, built the n² way.

    Entry (i, j) is φ(q_i)·φ(k_j) divided by its row's sum, so every row sums to 1 like
    a softmax row; with ``causal`` the keys after query i get weight 0.
    """
    similarity = elu_plus_one(q) @ np.swapaxes(elu_plus_one(k), -1, -2)  # (..., n_q, n_k)
    if causal:
        similarity = np.where(causal_mask(similarity.shape[-1]), similarity, 0.0)
    return similarity / similarity.sum(axis=-1, keepdims=True)


def linear_attention_quadratic(q, k, v, causal=False):
    """Linear attention multiplied in the n² order: (φ(Q)φ(K)ᵀ, normalised) @ V."""
    return linear_attention_weights(q, k, causal) @ np.asarray(v, dtype=float)


# --8<-- [end:quadratic]


# --8<-- [start:recurrent]
def linear_attention_recurrent(q, k, v):
    """Causal linear attention as a recurrent network: one token at a time.

    q: (n, d_k), k: (n, d_k), v: (n, d_v). The state after token i is

        S_i = S_{i-1} + φ(k_i) v_iᵀ    (d_k, d_v)    what the values say, filed by key
        z_i = z_{i-1} + φ(k_i)         (d_k,)        the total of the keys, to normalise

    and the output is out_i = φ(q_i)ᵀ S_i / φ(q_i)ᵀ z_i. Nothing else is kept: the state
    has the same size after 10 tokens or 10 million.

    Returns (output (n, d_v), S (d_k, d_v), z (d_k,)): the outputs and the final state.
    """
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    n, d_k = k.shape
    state = np.zeros((d_k, v.shape[1]))  # S_0 = 0
    norm = np.zeros(d_k)  # z_0 = 0
    output = np.empty((n, v.shape[1]))
    for i in range(n):
        phi_k, phi_q = elu_plus_one(k[i]), elu_plus_one(q[i])  # (d_k,) each
        state = state + np.outer(phi_k, v[i])  # write: add this token's key-value pair
        norm = norm + phi_k
        output[i] = phi_q @ state / (phi_q @ norm)  # read: the query asks the state
    return output, state, norm


# --8<-- [end:recurrent]

# ---------------------------------------------------------------------------------------
# Cost against length (multiply-adds and numbers kept, for one head)
# ---------------------------------------------------------------------------------------


# --8<-- [start:cost]
def softmax_attention_macs(n, d_k, d_v):
    """Multiply-adds of softmax attention on n tokens: Q Kᵀ (n·n·d_k), then weights @ V
    (n·n·d_v). Every score is computed, as the matrix code does, causal or not."""
    return n * n * (d_k + d_v)


def linear_attention_macs(n, d_k, d_v):
    """Multiply-adds of linear attention on n tokens: the state Σ φ(k_j) v_jᵀ (n·d_k·d_v),
    each query reading it (n·d_k·d_v), and the normaliser z and φ(q_i)·z (n·d_k each)."""
    return 2 * n * d_k * d_v + 2 * n * d_k


def mac_ratio(n, d_k, d_v):
    """How many times more multiply-adds softmax attention does than linear attention."""
    return softmax_attention_macs(n, d_k, d_v) / linear_attention_macs(n, d_k, d_v)


def kv_cache_numbers(n, d_k, d_v):
    """Numbers a softmax model keeps to generate token n + 1: every key and value so far."""
    return n * (d_k + d_v)


def linear_state_numbers(d_k, d_v):
    """Numbers causal linear attention keeps, whatever n is: S (d_k, d_v) and z (d_k)."""
    return d_k * d_v + d_k


# --8<-- [end:cost]

# ---------------------------------------------------------------------------------------
# Associative recall, built by hand
# ---------------------------------------------------------------------------------------


# --8<-- [start:recall]
def recall_task(rng, n_pairs, d_k=16, d_v=16, sharpness=4.0):
    """One associative-recall question: n_pairs stored (key, value) pairs and a query.

    Keys and values are random normal vectors; one pair is the target, and the query is
    its key multiplied by ``sharpness`` (a longer query makes softmax sharper). Nothing is
    trained: the task only asks whether attention can find the pair whose key matches.

    Returns q (1, d_k), k (n_pairs, d_k), v (n_pairs, d_v) and the target's index.
    """
    k = rng.normal(size=(n_pairs, d_k))
    v = rng.normal(size=(n_pairs, d_v))
    target = int(rng.integers(n_pairs))
    return sharpness * k[target : target + 1], k, v, target


def retrieved(output, v):
    """Index of the stored value the output is most similar to (cosine): the answer read."""
    cosine = (v @ output[0]) / (np.linalg.norm(v, axis=1) * np.linalg.norm(output[0]))
    return int(np.argmax(cosine))


def recall_scores(n_pairs, trials=200, seed=24, d_k=16, d_v=16, sharpness=4.0):
    """Softmax against linear attention on ``trials`` recall questions of n_pairs pairs.

    Both read the same q, k and v; softmax scores with q·k/√d_k, linear with φ(q)·φ(k).
    Returns a dict: for "softmax" and "linear", the fraction of questions answered right
    ("accuracy") and the mean weight on the target key ("weight").
    """
    rng = np.random.default_rng(seed)
    right = {"softmax": 0, "linear": 0}
    weight = {"softmax": 0.0, "linear": 0.0}
    for _ in range(trials):
        q, k, v, target = recall_task(rng, n_pairs, d_k, d_v, sharpness)
        soft_out, soft_w = scaled_dot_product_attention(q, k, v)  # (1, d_v), (1, n_pairs)
        lin_w = linear_attention_weights(q, k)  # (1, n_pairs)
        for name, out, w in (("softmax", soft_out, soft_w), ("linear", lin_w @ v, lin_w)):
            right[name] += retrieved(out, v) == target
            weight[name] += w[0, target]
    return {
        name: {"accuracy": right[name] / trials, "weight": weight[name] / trials} for name in right
    }


# --8<-- [end:recall]

# ---------------------------------------------------------------------------------------
# Attention sinks: the weight on the first token
# ---------------------------------------------------------------------------------------


# --8<-- [start:sink]
def first_token_weights(model, ids):
    """Mean weight each head puts on the first token, and the same divided by uniform.

    model: a ``lesson_code.learned`` model; ids: (count, n) token sequences. The mean is
    over every sequence and every query i ≥ 1 (query 0 can only see token 0). Uniform
    attention would give the first token 1 / (i + 1) at query i.

    Returns (weight, ratio): two (n_layers, n_heads) arrays; ratio > 1 means the head
    gives the first token more than its uniform share, on average over queries.
    """
    ids = np.asarray(ids)
    weights = np.stack(model.run(ids).weights, axis=1)  # (count, layers, heads, n, n)
    on_first = weights[..., 1:, 0]  # (count, layers, heads, n - 1): queries 1 .. n-1
    uniform = 1.0 / (np.arange(1, ids.shape[-1]) + 1)  # (n - 1,)
    return on_first.mean(axis=(0, -1)), (on_first / uniform).mean(axis=(0, -1))


# --8<-- [end:sink]
