"""What a key-value cache saves, and what it costs in memory.

Lesson 21 generates text one token at a time. These helpers count the work of one
attention layer per new token with and without a cache (``step_multiply_adds``,
``total_multiply_adds``), run the loop that has no cache (``decode_without_cache``), and
size the cache of the published models in ``lesson_code.topics.published_models``
(``kv_cache_bytes``, ``model_cache_bytes``).

Work is counted in multiply-adds, the unit of lesson 25: a ``(1, a) @ (a, b)`` product is
``a * b`` of them. The softmax's exponentials and divisions are left out; they are a few
per score, far fewer than the products around them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from lesson_code.attention import causal_mask, multi_head_attention
from lesson_code.topics.published_models import ModelShape, model


# --8<-- [start:no_cache]
def decode_without_cache(x, w_q, w_k, w_v, w_o, n_heads):
    """Generate the causal outputs one token at a time with no cache: (n, d_model).

    At step t the whole prefix x[:t] goes through the layer again and only the last
    row is kept. Every earlier token's key and value is computed again at every step.
    """
    x = np.asarray(x, dtype=float)
    rows = []
    for t in range(1, len(x) + 1):
        out, _ = multi_head_attention(x[:t], w_q, w_k, w_v, w_o, n_heads, mask=causal_mask(t))
        rows.append(out[-1])  # the new token's output; the other t - 1 rows are thrown away
    return np.stack(rows)


# --8<-- [end:no_cache]


def _check_positive(**numbers):
    for name, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")


# --8<-- [start:work]
def step_multiply_adds(t, d_model, cached=True):
    """Multiply-adds one attention layer spends on the t-th token: (projections, attention).

    t counts the new token, so t tokens are visible (1 for the first token).
    cached=True: project only the new token (q, k, v and the output: 4 products of
    d_model x d_model), then its query reads t keys and blends t values (d_model each,
    summed over the heads).
    cached=False: the whole prefix again: 4 projections for each of the t tokens, and
    query i (1..t) reads i keys and i values, t(t + 1) d_model in all.
    """
    _check_positive(t=t, d_model=d_model)
    if cached:
        return 4 * d_model * d_model, 2 * t * d_model
    return 4 * t * d_model * d_model, t * (t + 1) * d_model


def total_multiply_adds(n, d_model, cached=True):
    """Multiply-adds one layer spends generating n tokens, steps t = 1..n summed.

    Closed forms of the sums of ``step_multiply_adds``: with the cache
    4 n d² + n(n + 1) d (grows like n²); without it
    2 n(n + 1) d² + n(n + 1)(n + 2) d / 3 (grows like n³).
    """
    _check_positive(n=n, d_model=d_model)
    d = d_model
    if cached:
        return 4 * n * d * d + n * (n + 1) * d
    return 2 * n * (n + 1) * d * d + n * (n + 1) * (n + 2) * d // 3


# --8<-- [end:work]


# --8<-- [start:memory]
def kv_cache_bytes(n_layers, n_kv_heads, d_head, tokens, bytes_per_number=2):
    """Bytes of keys and values a model keeps for ``tokens`` tokens of one sequence.

    Every layer stores, for every token, one key and one value (the 2) per key/value
    head, each d_head numbers of bytes_per_number bytes (2 for 16-bit numbers).
    """
    _check_positive(
        n_layers=n_layers,
        n_kv_heads=n_kv_heads,
        d_head=d_head,
        tokens=tokens,
        bytes_per_number=bytes_per_number,
    )
    return 2 * n_layers * n_kv_heads * d_head * bytes_per_number * tokens


def model_cache_bytes(name, tokens=None, bytes_per_number=2, shared=True):
    """``kv_cache_bytes`` for a model of ``MODELS``, given by name or ``ModelShape``.

    tokens: defaults to the model's full context. shared=False sizes the cache as if
    every query head had its own keys and values (n_kv_heads = n_heads).
    """
    shape = name if isinstance(name, ModelShape) else model(name)
    kv_heads = shape.n_kv_heads if shared else shape.n_heads
    tokens = shape.context if tokens is None else tokens
    return kv_cache_bytes(shape.n_layers, kv_heads, shape.d_head, tokens, bytes_per_number)


# --8<-- [end:memory]


def format_bytes(n_bytes):
    """Bytes as text in binary units: 36864 -> '36 KiB', 1572864 -> '1.5 MiB'.

    1 KiB = 1024 bytes, 1 MiB = 1024 KiB, 1 GiB = 1024 MiB. Three significant digits
    below 100 of the unit, whole numbers from 100 on. A tie rounds up (1.125 -> '1.13'),
    as JavaScript's toPrecision does, so the lesson's widget writes the same text.
    """
    size = float(n_bytes)
    unit = "bytes"
    for larger in ("KiB", "MiB", "GiB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    exact = Decimal(size)  # the float's exact value: no second rounding
    places = 0 if size >= 100 else 1 if size >= 10 else 2
    text = str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}"
