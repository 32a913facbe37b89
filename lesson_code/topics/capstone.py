"""The capstone stack: two pre-LN Transformer blocks, causal, on a five-token sentence.

Lesson 26 runs "the dog chased the ball" (word vectors plus sinusoidal positions,
``(5, 8)``) through two blocks of :mod:`lesson_code.block`, each with two heads and a
causal mask, and asks the learner to predict what the wiring forces before it traces the
arrays.

The weights are **seeded random** (:func:`lesson_code.block.init_block_params`, one seed
per block). Nothing has been trained, so the attention patterns carry no meaning; what the
lesson predicts follows from the wiring alone (shapes, the mask, the residual sums,
LayerNorm) and holds for any weights.

- ``block_input(tokens)``: the input stream ``(n, D_MODEL)`` (also lesson 17's example).
- ``stack_params()``: the two blocks' parameter dicts.
- ``trace_block(x, params)``: every intermediate of one block, computed step by step.
- ``trace_stack(tokens)``: the traces of both blocks, block 1's output feeding block 2.
- ``changed_rows(...)`` / ``changed_entries(...)``: which outputs move when one token is
  replaced.
- ``parameter_count(...)``: how many numbers the blocks hold.

Shapes: ``n`` tokens, ``d = D_MODEL``, ``h = N_HEADS`` heads of ``d_head = d // h``
columns, MLP width ``D_FF``.
"""

from __future__ import annotations

import numpy as np

from lesson_code.attention import (
    causal_mask,
    merge_heads,
    scaled_dot_product_attention,
    sinusoidal_positions,
    split_heads,
)
from lesson_code.block import (
    PARAM_SHAPES,
    gelu,
    init_block_params,
    layer_norm,
    stack_blocks,
)

# --8<-- [start:setup]
TOKENS = ("the", "dog", "chased", "the", "ball")
D_MODEL = 8  # width of every token vector
N_HEADS = 2  # two heads of D_MODEL // N_HEADS = 4 columns each
POS_OF_SPEECH, ANIMATE = 4, 6  # columns holding the two word features

# (part of speech: noun +1, verb -1, other 0;  animate: 1 or 0)
WORDS = {
    "the": (0.0, 0.0),
    "a": (0.0, 0.0),
    "dog": (1.0, 1.0),
    "cat": (1.0, 1.0),
    "ball": (1.0, 0.0),
    "chased": (-1.0, 0.0),
    "saw": (-1.0, 0.0),
}


def embed(tokens):
    """(n,) words -> (n, D_MODEL) word vectors, zero outside the two feature columns."""
    e = np.zeros((len(tokens), D_MODEL))
    for i, word in enumerate(tokens):
        e[i, POS_OF_SPEECH], e[i, ANIMATE] = WORDS[word]
    return e


def block_input(tokens):
    """(n, D_MODEL): word vectors plus sinusoidal position encodings (lesson 13)."""
    return embed(tokens) + sinusoidal_positions(len(tokens), D_MODEL)


# --8<-- [end:setup]


# --8<-- [start:stack]
D_FF = 4 * D_MODEL  # the MLP's hidden width, 32
SEEDS = (26, 27)  # one seed per block: random weights, nothing trained
N_BLOCKS = len(SEEDS)


def stack_params(seeds=SEEDS):
    """One parameter dict per block (the dict transformer_block takes), from fixed seeds."""
    return [init_block_params(D_MODEL, D_FF, seed=seed) for seed in seeds]


def run_stack(tokens=TOKENS, causal=True, blocks=None):
    """The stream after the whole stack: (n, D_MODEL). causal=False drops the mask."""
    x = block_input(tokens)  # (n, d)
    mask = causal_mask(len(tokens)) if causal else None  # (n, n), True = may attend
    blocks = stack_params() if blocks is None else blocks
    return stack_blocks(x, blocks, N_HEADS, mask)  # block 1's output is block 2's input


# --8<-- [end:stack]


# --8<-- [start:trace]
def trace_block(x, params, n_heads=N_HEADS, mask=None):
    """One pre-LN block, one step at a time, keeping every intermediate array.

    x: (n, d); params: as for lesson_code.block.transformer_block; mask: (n, n) or None.
    Returns a dict of arrays: ln1 (n, d); q, k, v (h, n, d_head); weights (h, n, n);
    heads (h, n, d_head); attn_added (n, d); h (n, d); ln2 (n, d); hidden (n, d_ff);
    mlp_added (n, d); out (n, d). out equals transformer_block(x, params, n_heads, mask).
    """
    p = params
    ln1 = layer_norm(x, p["ln1_gain"], p["ln1_bias"])  # (n, d) each row: mean 0, var 1
    q = split_heads(ln1 @ p["w_q"], n_heads)  # (h, n, d_head)
    k = split_heads(ln1 @ p["w_k"], n_heads)  # (h, n, d_head)
    v = split_heads(ln1 @ p["w_v"], n_heads)  # (h, n, d_head)
    heads, weights = scaled_dot_product_attention(q, k, v, mask)  # (h, n, d_head), (h, n, n)
    attn_added = merge_heads(heads) @ p["w_o"]  # (n, d): what attention adds to the stream
    h = x + attn_added  # (n, d) the stream halfway through the block
    ln2 = layer_norm(h, p["ln2_gain"], p["ln2_bias"])  # (n, d)
    hidden = gelu(ln2 @ p["w_1"] + p["b_1"])  # (n, d_ff): each token on its own
    mlp_added = hidden @ p["w_2"] + p["b_2"]  # (n, d): what the MLP adds
    out = h + mlp_added  # (n, d) the stream leaving the block
    return {
        "ln1": ln1,
        "q": q,
        "k": k,
        "v": v,
        "weights": weights,
        "heads": heads,
        "attn_added": attn_added,
        "h": h,
        "ln2": ln2,
        "hidden": hidden,
        "mlp_added": mlp_added,
        "out": out,
    }


def trace_stack(tokens=TOKENS, causal=True, blocks=None):
    """The traces of every block in order: block l reads the "out" of block l - 1."""
    x = block_input(tokens)  # (n, d) the stream entering block 1
    mask = causal_mask(len(tokens)) if causal else None
    traces = []
    for params in stack_params() if blocks is None else blocks:
        traces.append(trace_block(x, params, N_HEADS, mask))
        x = traces[-1]["out"]  # the output of this block is the input of the next
    return traces


# --8<-- [end:trace]


def replace(tokens, position, word):
    """A copy of ``tokens`` with the word at ``position`` replaced by ``word``."""
    if not 0 <= position < len(tokens):
        raise ValueError(f"position must lie in [0, {len(tokens)}), got {position}")
    if word not in WORDS:
        raise ValueError(f"unknown word {word!r}; known words: {', '.join(WORDS)}")
    changed = list(tokens)
    changed[position] = word
    return tuple(changed)


def changed_rows(position, word="cat", tokens=TOKENS, causal=True):
    """Rows of the stack's output that differ at all when token ``position`` becomes ``word``.

    Returns a sorted list of row indices. "Differ" means not bit-for-bit equal: with a
    causal mask the rows before ``position`` come out exactly the same.
    """
    before = run_stack(tokens, causal)
    after = run_stack(replace(tokens, position, word), causal)
    return [i for i in range(len(tokens)) if not np.array_equal(before[i], after[i])]


def changed_entries(position, word="cat", tokens=TOKENS, causal=True):
    """How many of the n * D_MODEL numbers of the stack's output change (see changed_rows)."""
    before = run_stack(tokens, causal)
    after = run_stack(replace(tokens, position, word), causal)
    return int(np.count_nonzero(before != after))


def parameter_count(d_model=D_MODEL, d_ff=D_FF, n_blocks=N_BLOCKS):
    """How many numbers ``n_blocks`` blocks of lesson_code.block hold (every key counted)."""
    sizes = {"d": d_model, "d_ff": d_ff}
    per_block = sum(int(np.prod([sizes[dim] for dim in dims])) for dims in PARAM_SHAPES.values())
    return n_blocks * per_block
