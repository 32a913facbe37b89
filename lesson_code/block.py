"""The Transformer block around attention: LayerNorm, the MLP and the residual stream.

This is the course's block (lesson 17). A block reads a stack of token vectors
``x (..., n, d_model)`` and returns one of the same shape, so blocks stack. In the pre-LN
arrangement that GPT-2 and most later models use, each sublayer reads a normalised copy
of the **residual stream** and *adds* its result to it:

    h   = x + MHA(LN1(x))                                  attention: tokens exchange information
    out = h + gelu(LN2(h) @ w_1 + b_1) @ w_2 + b_2         MLP: each token on its own

``MHA`` is :func:`lesson_code.attention.multi_head_attention` (no biases). The parameters
are one dict with these keys (``d = d_model``, ``d_ff`` the MLP's hidden width, usually
``4 * d``)::

    ln1_gain (d,)  ln1_bias (d,)       LayerNorm before attention
    w_q, w_k, w_v, w_o (d, d)          attention projections
    ln2_gain (d,)  ln2_bias (d,)       LayerNorm before the MLP
    w_1 (d, d_ff)  b_1 (d_ff,)         MLP, first layer
    w_2 (d_ff, d)  b_2 (d,)            MLP, second layer

:func:`init_block_params` makes such a dict from a seed; :func:`stack_blocks` runs several
blocks one after the other. :func:`post_ln_block` is the original 2017 arrangement (the
norm *after* each addition), kept only to compare the two.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence

import numpy as np

from lesson_code.attention import multi_head_attention

# name -> shape, with "d" for d_model and "d_ff" for the MLP's hidden width
PARAM_SHAPES = {
    "ln1_gain": ("d",),
    "ln1_bias": ("d",),
    "w_q": ("d", "d"),
    "w_k": ("d", "d"),
    "w_v": ("d", "d"),
    "w_o": ("d", "d"),
    "ln2_gain": ("d",),
    "ln2_bias": ("d",),
    "w_1": ("d", "d_ff"),
    "b_1": ("d_ff",),
    "w_2": ("d_ff", "d"),
    "b_2": ("d",),
}


# --8<-- [start:layer_norm]
def layer_norm(x, gain, bias, eps=1e-5):
    """Normalise each token's vector to mean 0 and variance 1, then scale and shift it.

    x: (..., d) one vector per token (the last axis is the one normalised)
    gain, bias: (d,) learned per-feature scale and shift
    eps: added to the variance so a constant vector does not divide by zero

    The variance is the biased one (divide by d, not d - 1), as in PyTorch's LayerNorm.
    Returns an array of the same shape as x.
    """
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=-1, keepdims=True)  # (..., 1): one mean per token
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)  # (..., 1): one variance per token
    normalised = (x - mean) / np.sqrt(var + eps)  # (..., d): mean 0, variance ~1
    return normalised * np.asarray(gain, dtype=float) + np.asarray(bias, dtype=float)


# --8<-- [end:layer_norm]

# math.erf applied element by element: numpy has no erf, and scipy is not a dependency.
# math.erf is the C library's, accurate to about one unit in the last place.
_erf = np.vectorize(math.erf, otypes=[float])


# --8<-- [start:gelu]
def gelu(x):
    """GELU(x) = x * Φ(x), with Φ the standard normal CDF: 0.5 * x * (1 + erf(x / √2)).

    The exact form (Hendrycks and Gimpel, 2016), not the tanh approximation. A smooth
    cousin of ReLU: near x for large x, near 0 for very negative x, slightly negative in
    between (its minimum is about -0.17). x: any shape; returns the same shape.
    """
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


# --8<-- [end:gelu]


# --8<-- [start:mlp]
def mlp(x, w_1, b_1, w_2, b_2):
    """The block's feed-forward network, applied to every token on its own.

    x: (..., n, d); w_1: (d, d_ff); b_1: (d_ff,); w_2: (d_ff, d); b_2: (d,).
    Every operation acts on the last axis only, so row i of the result depends on row i
    of x and on nothing else: the MLP never mixes tokens.
    Returns (..., n, d).
    """
    hidden = gelu(np.asarray(x, dtype=float) @ w_1 + b_1)  # (..., n, d_ff)
    return hidden @ w_2 + b_2  # (..., n, d)


# --8<-- [end:mlp]


def check_block_params(params, d_model=None):
    """Check the keys and shapes of a block's parameters; return ``(d_model, d_ff)``.

    ``d_model`` defaults to the length of ``ln1_gain``; ``d_ff`` is read from ``w_1``.
    Raises ``KeyError`` for a missing key and ``ValueError`` for an unknown key or a
    wrong shape, naming the key and the shape expected.
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    unknown = [k for k in params if k not in PARAM_SHAPES]
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(str(key), PARAM_SHAPES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"block params: unknown key {key!r}{hint} (keys: {', '.join(PARAM_SHAPES)})"
        )
    missing = [k for k in PARAM_SHAPES if k not in params]
    if missing:
        raise KeyError(
            f"block params: missing {missing[0]!r} of shape {_shape_text(missing[0])} "
            f"(missing: {', '.join(missing)}; init_block_params makes a complete set)"
        )
    if d_model is None:
        d_model = int(np.shape(params["ln1_gain"])[0]) if np.ndim(params["ln1_gain"]) else -1
    d_ff = int(np.shape(params["w_1"])[-1]) if np.ndim(params["w_1"]) == 2 else -1
    sizes = {"d": d_model, "d_ff": d_ff}
    for key, dims in PARAM_SHAPES.items():
        expected = tuple(sizes[dim] for dim in dims)
        got = np.shape(params[key])
        if got != expected:
            raise ValueError(
                f"block params: {key!r} must have shape {_shape_text(key)} = {expected} "
                f"(d_model={d_model}, d_ff={d_ff}), got {got}"
            )
    return d_model, d_ff


def _shape_text(key):
    return "(" + ", ".join(PARAM_SHAPES[key]) + ("," if len(PARAM_SHAPES[key]) == 1 else "") + ")"


def _check_input(x, params, n_heads):
    """x as a float array (..., n, d_model), after checking it against params and n_heads."""
    x = np.asarray(x, dtype=float)
    if x.ndim < 2:
        raise ValueError(f"x must be (n, d_model) or (..., n, d_model), got shape {x.shape}")
    d_model, _ = check_block_params(params, x.shape[-1])
    if not isinstance(n_heads, int | np.integer) or n_heads < 1 or d_model % n_heads:
        raise ValueError(f"n_heads must be a positive divisor of d_model={d_model}, got {n_heads}")
    return x


def _mask_like(mask, x):
    """An (n_q, n_k) mask given with fewer axes than x gets leading axes of size 1, so
    one causal_mask(n) serves a whole batch (multi_head_attention wants x's axis count)."""
    if mask is None:
        return None
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim < np.ndim(x):
        mask = mask.reshape((1,) * (np.ndim(x) - mask.ndim) + mask.shape)
    return mask


# --8<-- [start:block]
def attention_sublayer(x, params, n_heads, mask=None):
    """What the attention sublayer adds to the residual stream: MHA(LN1(x)), (..., n, d)."""
    normed = layer_norm(x, params["ln1_gain"], params["ln1_bias"])  # (..., n, d)
    mask = _mask_like(mask, normed)
    added, _ = multi_head_attention(
        normed, params["w_q"], params["w_k"], params["w_v"], params["w_o"], n_heads, mask
    )
    return added  # (..., n, d): token i's row mixes information from the tokens it sees


def mlp_sublayer(h, params):
    """What the MLP sublayer adds to the residual stream: MLP(LN2(h)), (..., n, d)."""
    normed = layer_norm(h, params["ln2_gain"], params["ln2_bias"])  # (..., n, d)
    return mlp(normed, params["w_1"], params["b_1"], params["w_2"], params["b_2"])


def transformer_block(x, params, n_heads, mask=None):
    """One pre-LN Transformer block: x -> x + attention -> + MLP.

    x: (n, d_model) or (..., n, d_model); params: the dict described in the module
    docstring (checked: a missing key or a wrong shape raises, naming the key);
    n_heads: divides d_model; mask: optional bool, True = may attend, as for
    multi_head_attention; an (n, n) mask such as causal_mask(n) serves every batch item.
    Returns (..., n, d_model): the residual stream after the block.
    """
    x = _check_input(x, params, n_heads)
    h = x + attention_sublayer(x, params, n_heads, mask)  # (..., n, d) tokens exchange
    return h + mlp_sublayer(h, params)  # (..., n, d) each token computes on its own


# --8<-- [end:block]


# --8<-- [start:post_ln]
def post_ln_block(x, params, n_heads, mask=None):
    """The post-LN arrangement of the 2017 paper, for comparison only: normalise *after* adding.

    h = LN1(x + MHA(x)); out = LN2(h + MLP(h)). Same params and shapes as
    transformer_block. The stream itself is normalised after every sublayer, so the
    input reaches the output only through the norms; the course's block is pre-LN.
    """
    x = _check_input(x, params, n_heads)
    p, mask = params, _mask_like(mask, x)
    attended, _ = multi_head_attention(x, p["w_q"], p["w_k"], p["w_v"], p["w_o"], n_heads, mask)
    h = layer_norm(x + attended, p["ln1_gain"], p["ln1_bias"])  # (..., n, d)
    added = mlp(h, p["w_1"], p["b_1"], p["w_2"], p["b_2"])  # (..., n, d)
    return layer_norm(h + added, p["ln2_gain"], p["ln2_bias"])


# --8<-- [end:post_ln]


def stack_blocks(x, blocks: Sequence[Mapping], n_heads, mask=None, block=transformer_block):
    """Run ``x`` through several blocks in order: the output of one is the input of the next.

    blocks: a list of params dicts, one per layer; block: transformer_block (pre-LN) or
    post_ln_block. Returns (..., n, d_model). (A pre-LN model usually adds one final
    layer_norm after the last block, before the output layer; that is left to the caller.)
    """
    for params in blocks:
        x = block(x, params, n_heads, mask)
    return x


def init_block_params(d_model, d_ff=None, seed=0):
    """A random block's parameters (the dict transformer_block takes), from a fixed seed.

    d_ff defaults to 4 * d_model. LayerNorm gains are 1 and biases 0, as at the start of
    training. Every matrix is drawn with standard deviation 1 / sqrt(its input width), so
    a vector of unit-size components comes out with components of about unit size.
    """
    d_ff = 4 * d_model if d_ff is None else d_ff
    rng = np.random.default_rng(seed)

    def matrix(rows, cols):
        return rng.normal(0.0, 1.0 / np.sqrt(rows), size=(rows, cols))

    return {
        "ln1_gain": np.ones(d_model),
        "ln1_bias": np.zeros(d_model),
        "w_q": matrix(d_model, d_model),
        "w_k": matrix(d_model, d_model),
        "w_v": matrix(d_model, d_model),
        "w_o": matrix(d_model, d_model),
        "ln2_gain": np.ones(d_model),
        "ln2_bias": np.zeros(d_model),
        "w_1": matrix(d_model, d_ff),
        "b_1": np.zeros(d_ff),
        "w_2": matrix(d_ff, d_model),
        "b_2": np.zeros(d_model),
    }
