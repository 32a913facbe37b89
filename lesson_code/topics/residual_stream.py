"""The residual stream of a Transformer block, taken apart (lesson 17).

Built on :mod:`lesson_code.block`; nothing here changes what a block computes.

- ``sentence_example()``: the capstone's sentence "the dog chased the ball" (word vectors
  plus positions, ``(5, 8)``) and one random pre-LN block with two heads: the running
  example of what each sublayer adds.
- ``toggled_block(...)``: the same block with attention, the MLP or the LayerNorms switched
  off, returning every part it adds (the widget's numbers).
- ``nudge_effects(...)``: how far each token's output moves when one token's input is
  nudged, to show that the MLP never mixes tokens and attention does.
- ``skip_path_gains(...)``: pre-LN against post-LN: how strongly the stream at layer ``l``
  reaches the output along the skip path, through the norms on the way.
- ``two_hop_chain()``: a hand-built block that follows one link of a chain of facts per
  layer, so a two-link question needs two layers.

Shapes: ``n`` tokens, ``d`` = ``d_model`` features; params dicts as in lesson_code.block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lesson_code.attention import causal_mask, multi_head_attention
from lesson_code.block import (
    init_block_params,
    layer_norm,
    mlp,
    stack_blocks,
)
from lesson_code.topics.capstone import TOKENS, block_input

# ---------------------------------------------------------------------------------------
# The running example: one random block on the capstone's sentence
# ---------------------------------------------------------------------------------------

EXAMPLE_HEADS = 2
EXAMPLE_D_FF = 32
EXAMPLE_SEED = 17


@dataclass(frozen=True)
class Example:
    """A sentence, its input vectors and one block's parameters (causal, two heads)."""

    tokens: tuple[str, ...]
    x: np.ndarray  # (n, d) the residual stream entering the block
    params: dict
    n_heads: int

    @property
    def mask(self):
        return causal_mask(len(self.tokens))


def sentence_example(seed=EXAMPLE_SEED):
    """The capstone sentence (word vectors + sinusoidal positions) and a random block."""
    x = block_input(TOKENS)  # (5, 8)
    params = init_block_params(x.shape[1], EXAMPLE_D_FF, seed=seed)
    return Example(TOKENS, x, params, EXAMPLE_HEADS)


# --8<-- [start:toggled]
def toggled_block(x, params, n_heads, mask=None, attention=True, mlp_on=True, norm=True):
    """A pre-LN block with parts switched off; returns (attn_added, mlp_added, out).

    attention / mlp_on: False drops that sublayer (it adds zero); norm: False replaces
    both LayerNorms by the identity, so each sublayer reads the raw stream.
    All three are (..., n, d) and out = x + attn_added + mlp_added exactly.
    With every part on, out is transformer_block(x, params, n_heads, mask).
    """
    x = np.asarray(x, dtype=float)
    p = params

    def ln(v, which):
        return layer_norm(v, p[f"{which}_gain"], p[f"{which}_bias"]) if norm else v

    attn_added = np.zeros_like(x)
    if attention:
        attn_added, _ = multi_head_attention(
            ln(x, "ln1"), p["w_q"], p["w_k"], p["w_v"], p["w_o"], n_heads, mask
        )
    h = x + attn_added  # (..., n, d) the stream between the two sublayers
    mlp_added = np.zeros_like(x)
    if mlp_on:
        mlp_added = mlp(ln(h, "ln2"), p["w_1"], p["b_1"], p["w_2"], p["b_2"])
    return attn_added, mlp_added, h + mlp_added


# --8<-- [end:toggled]


# --8<-- [start:nudge]
def nudge_effects(f, x, seed=0):
    """(n, n) matrix: entry [i, j] is how far output row i moves when input row j is nudged.

    f: a function (n, d) -> (n, d), such as one sublayer or a whole block.
    The nudge adds a fixed random vector of length 1 to row j alone (the same vector
    for every j, from ``seed``), and the distance is the Euclidean norm of the change.
    """
    x = np.asarray(x, dtype=float)
    n, d = x.shape
    direction = np.random.default_rng(seed).normal(size=d)
    direction /= np.linalg.norm(direction)  # length 1
    base = f(x)  # (n, d)
    effects = np.zeros((n, n))
    for j in range(n):
        nudged = x.copy()
        nudged[j] += direction  # only token j changes
        effects[:, j] = np.linalg.norm(f(nudged) - base, axis=-1)  # (n,) one per output row
    return effects


# --8<-- [end:nudge]


def widget_data(example=None):
    """What the "toggle sublayers" widget shows, for all 8 on/off combinations.

    ``combos[k]`` is the combination with attention = bit 2, MLP = bit 1, LayerNorm = bit 0
    of ``k`` (so ``k = 7`` is the full block): for every token its input ``x``, what
    attention and the MLP add (``(n, d)`` each), and ``nudge`` (``(n, n)``, see
    :func:`nudge_effects`). The browser adds the parts and measures their lengths.
    """
    ex = sentence_example() if example is None else example
    combos = []
    for k in range(8):
        on = {"attention": bool(k & 4), "mlp_on": bool(k & 2), "norm": bool(k & 1)}

        def run(x, on=on):
            return toggled_block(x, ex.params, ex.n_heads, ex.mask, **on)[2]

        attn_added, mlp_added, _ = toggled_block(ex.x, ex.params, ex.n_heads, ex.mask, **on)
        combos.append(
            {
                "attention": on["attention"],
                "mlp": on["mlp_on"],
                "norm": on["norm"],
                "attn": attn_added,
                "mlp_added": mlp_added,
                "nudge": nudge_effects(run, ex.x),
            }
        )
    return {"tokens": list(ex.tokens), "x": ex.x, "start": len(ex.tokens) - 1, "combos": combos}


# ---------------------------------------------------------------------------------------
# Pre-LN against post-LN: the skip path through a deep stack
# ---------------------------------------------------------------------------------------


def random_stack(depth, d_model=16, n_tokens=6, seed=0):
    """``depth`` random blocks (seeds ``1000 * seed + layer``) and a random input (n, d)."""
    blocks = [init_block_params(d_model, seed=1000 * seed + layer) for layer in range(depth)]
    x = np.random.default_rng(seed).normal(size=(n_tokens, d_model))
    return blocks, x


def _spread(v, eps=1e-5):
    """(..., n) what layer_norm divides each token's vector by: sqrt(variance + eps)."""
    return np.sqrt(np.var(v, axis=-1) + eps)


# --8<-- [start:skip_gain]
def skip_path_gains(x, blocks, n_heads, mask=None):
    """How strongly the stream entering each layer reaches the output along the skip path.

    Returns (pre, post), each (depth, n): for layer l and token i, the factor by which a
    change of the stream entering layer l is scaled on the way to the output if it
    travels the skip path only (the "x +" of every block), with the norms it meets
    on that path. A LayerNorm with gain 1 scales its input by 1 / spread (it also removes
    the mean, which is left out here).

    pre-LN: the skip path meets no norm until the final LayerNorm after the last block,
    so every layer gets the same factor, 1 / spread(top of the stream).
    post-LN: it meets two norms in every later block, and the factors multiply.
    """
    top = stack_blocks(x, blocks, n_heads, mask)  # pre-LN stream after the last block
    pre = np.broadcast_to(1.0 / _spread(top), (len(blocks), len(x))).copy()
    factors = []  # per block: 1 / (spread at its first norm * spread at its second)
    y = np.asarray(x, dtype=float)
    for p in blocks:  # the post-LN stack, step by step
        attended, _ = multi_head_attention(y, p["w_q"], p["w_k"], p["w_v"], p["w_o"], n_heads, mask)
        first = y + attended
        h = layer_norm(first, p["ln1_gain"], p["ln1_bias"])
        second = h + mlp(h, p["w_1"], p["b_1"], p["w_2"], p["b_2"])
        y = layer_norm(second, p["ln2_gain"], p["ln2_bias"])
        factors.append(1.0 / (_spread(first) * _spread(second)))
    factors = np.array(factors)  # (depth, n)
    post = np.cumprod(factors[::-1], axis=0)[::-1]  # layer l: product over blocks l..end
    return pre, post


# --8<-- [end:skip_gain]


# ---------------------------------------------------------------------------------------
# One hop per layer: a chain of facts
# ---------------------------------------------------------------------------------------

CHAIN_NAMES = ("key", "box", "bag", "cup", "car", "pen")
CHAIN_FACTS = (("box", "bag"), ("pen", "cup"), ("key", "box"), ("cup", "car"))  # (thing, in)
CHAIN_QUESTION = "key"
SLOTS = ("thing", "in", "ask", "hop1", "hop2")  # five slots of len(CHAIN_NAMES) features
SHARPNESS = 4.0  # multiplies every query; larger means weights closer to one-hot


@dataclass(frozen=True)
class Chain:
    """Facts "thing is in place", one token each, then a question token."""

    tokens: tuple[str, ...]
    x: np.ndarray  # (n, 5 * len(CHAIN_NAMES))
    params: dict
    n_heads: int

    @property
    def mask(self):
        return causal_mask(len(self.tokens))

    def slot(self, stream, name):
        """The question token's slot ``name`` in ``stream`` (n, d): (len(CHAIN_NAMES),)."""
        k = len(CHAIN_NAMES)
        i = SLOTS.index(name)
        return np.asarray(stream)[-1, i * k : (i + 1) * k]

    def answer(self, stream, name="hop2"):
        """The name whose feature is largest in the question token's slot ``name``."""
        return CHAIN_NAMES[int(np.argmax(self.slot(stream, name)))]


def _one_hot_rows(slot, k):
    """(k, 5k) matrix that reads slot ``slot`` of a stream vector into k columns."""
    m = np.zeros((k, len(SLOTS) * k))
    i = SLOTS.index(slot)
    m[:, i * k : (i + 1) * k] = np.eye(k)
    return m


# --8<-- [start:chain]
def two_hop_chain():
    """A block whose two heads each follow one link of a chain of facts.

    Each fact token holds a thing's name in slot "thing" and where it is in slot "in";
    the question token holds a name in slot "ask". Head 0 looks for the fact whose
    "thing" matches "ask" and writes that fact's "in" to "hop1". Head 1 does the same
    from "hop1" to "hop2". Both heads run in every layer, but in one layer head 1's
    query is read before head 0 has written "hop1": the second link needs a second layer.
    The MLP's weights are zero (this task needs none).
    """
    k = len(CHAIN_NAMES)
    d = len(SLOTS) * k
    reads = {slot: _one_hot_rows(slot, k) for slot in SLOTS}  # (k, d) each
    d_head = d // 2
    w_q, w_k, w_v, w_o = (np.zeros((d, d)) for _ in range(4))
    for head, (source, target) in enumerate((("ask", "hop1"), ("hop1", "hop2"))):
        cols = slice(head * d_head, head * d_head + k)  # first k columns of the head's slice
        w_q[:, cols] = SHARPNESS * reads[source].T  # query: the name being asked about
        w_k[:, cols] = reads["thing"].T  # key: the thing this fact is about
        w_v[:, cols] = reads["in"].T  # value: where that thing is
        w_o[cols, :] = reads[target]  # write the value into the target slot
    params = init_block_params(d, d_ff=4 * d)
    params.update(w_q=w_q, w_k=w_k, w_v=w_v, w_o=w_o)
    params.update(w_1=np.zeros((d, 4 * d)), w_2=np.zeros((4 * d, d)))
    tokens, rows = [], []
    for thing, place in CHAIN_FACTS:
        tokens.append(f"{thing} in {place}")
        rows.append(
            reads["thing"][CHAIN_NAMES.index(thing)] + reads["in"][CHAIN_NAMES.index(place)]
        )
    tokens.append(f"{CHAIN_QUESTION} ?")
    rows.append(reads["ask"][CHAIN_NAMES.index(CHAIN_QUESTION)])
    return Chain(tuple(tokens), np.array(rows), params, 2)


# --8<-- [end:chain]


def chain_weights(chain, layers):
    """(n_heads, n) weights of the question token in the last of ``layers`` blocks."""
    stream = stack_blocks(chain.x, [chain.params] * (layers - 1), chain.n_heads, chain.mask)
    p = chain.params
    normed = layer_norm(stream, p["ln1_gain"], p["ln1_bias"])
    _, weights = multi_head_attention(
        normed, p["w_q"], p["w_k"], p["w_v"], p["w_o"], chain.n_heads, chain.mask
    )
    return weights[:, -1, :]


def run_chain(chain, layers):
    """The residual stream after ``layers`` copies of the chain's block: (n, d)."""
    return stack_blocks(chain.x, [chain.params] * layers, chain.n_heads, chain.mask)
