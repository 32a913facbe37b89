"""A two-layer, attention-only transformer in numpy: forward pass and backward pass by hand.

The model is the smallest one in which induction heads form (Elhage et al., 2021; Olsson
et al., 2022): token and position embeddings make the residual stream, each layer's heads
read the stream and add their output back to it, and the unembedding turns the final
stream into scores (logits) for the next token.

    x_0       = embed[ids] + position[:n]                      (n, d_model)
    x_{l + 1} = x_l + multi-head causal attention of x_l       (layer l, no LayerNorm)
    logits    = x_L @ unembed                                  (n, vocab_size)

There is no MLP and no LayerNorm: with attention alone, everything the model does is done
by its heads, and every head's output can be taken out (ablated) to see what it was for.
The attention itself is the course's: ``lesson_code.attention`` computes the heads forward
and their gradients backward (``scaled_dot_product_attention_backward``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..attention import (
    causal_mask,
    merge_heads,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
    split_heads,
)

PROJECTIONS = ("w_q", "w_k", "w_v", "w_o")


def layer_key(layer, name):
    """The params key of one layer's matrix: ``layer_key(1, "w_q") == "1.w_q"``."""
    return f"{layer}.{name}"


@dataclass
class Run:
    """What one forward pass computed.

    logits:   (..., n, vocab_size) scores for the token after each position
    weights:  one (..., n_heads, n, n) attention pattern per layer
    streams:  the residual stream before each layer and after the last, (..., n, d_model)
    heads:    each layer's head outputs before w_o, (..., n_heads, n, d_head)
    """

    logits: np.ndarray
    weights: list[np.ndarray]
    streams: list[np.ndarray]
    heads: list[np.ndarray]


class TinyTransformer:
    """Parameters plus the two passes. ``params`` maps names to arrays:

    ``embed`` (vocab_size, d_model), ``position`` (context, d_model),
    ``unembed`` (d_model, vocab_size), and for each layer l the (d_model, d_model)
    matrices ``"l.w_q"``, ``"l.w_k"``, ``"l.w_v"``, ``"l.w_o"`` used as in
    ``multi_head_attention``.
    """

    def __init__(self, params, n_heads):
        self.params = {name: np.asarray(value, dtype=float) for name, value in params.items()}
        self.vocab_size, self.d_model = self.params["embed"].shape
        self.context = self.params["position"].shape[0]
        self.n_layers = sum(1 for name in self.params if name.endswith(".w_q"))
        self.n_heads = n_heads
        if self.d_model % n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={n_heads}")

    @classmethod
    def initial(cls, vocab_size, context, d_model, n_layers, n_heads, seed):
        """Random starting parameters from a fixed seed (small embeddings, matrices
        scaled by 1/√d_model so each layer starts by adding a little to the stream)."""
        rng = np.random.default_rng(seed)
        params = {
            "embed": rng.normal(0.0, 0.3, (vocab_size, d_model)),
            "position": rng.normal(0.0, 0.3, (context, d_model)),
            "unembed": rng.normal(0.0, 1.0 / np.sqrt(d_model), (d_model, vocab_size)),
        }
        for layer in range(n_layers):
            for name in PROJECTIONS:
                params[layer_key(layer, name)] = rng.normal(
                    0.0, 1.0 / np.sqrt(d_model), (d_model, d_model)
                )
        return cls(params, n_heads)

    # -- forward ---------------------------------------------------------------------------
    def run(self, ids, ablate=(), start=0):
        """The forward pass on token ids (..., n): a :class:`Run`.

        ablate: (layer, head) pairs whose output is replaced by zeros, as if the head were
                removed from the model (its attention pattern is still computed).
        start:  the position of the first token (training uses windows of the context).
        """
        ids = np.asarray(ids)
        n = ids.shape[-1]
        if start + n > self.context:
            raise ValueError(f"{n} tokens from position {start} exceed the context {self.context}")
        p = self.params
        mask = causal_mask(n)  # a token sees itself and what came before
        x = p["embed"][ids] + p["position"][start : start + n]  # (..., n, d_model)
        streams, weights, heads = [x], [], []
        for layer in range(self.n_layers):
            q, k, v = (split_heads(x @ p[layer_key(layer, f"w_{c}")], self.n_heads) for c in "qkv")
            out, pattern = scaled_dot_product_attention(q, k, v, mask)  # (..., h, n, d_head)
            for lay, head in ablate:
                if lay == layer:
                    out[..., head, :, :] = 0.0
            x = x + merge_heads(out) @ p[layer_key(layer, "w_o")]  # the layer adds to the stream
            streams.append(x)
            weights.append(pattern)
            heads.append(out)
        return Run(x @ p["unembed"], weights, streams, heads)

    def attention(self, ids, ablate=()):
        """Every head's pattern on one sequence: (n_layers, n_heads, n, n) for ids (n,)."""
        ids = np.asarray(ids)
        if ids.ndim != 1:
            raise ValueError(f"attention takes one sequence of ids, shape (n,); got {ids.shape}")
        return np.stack(self.run(ids, ablate).weights)

    # -- loss and backward -----------------------------------------------------------------
    def loss_and_gradients(self, ids, start=0):
        """Next-token cross-entropy on sequences ids (batch, n), and its gradient for every
        parameter (a dict shaped like ``params``), computed backwards by hand."""
        ids = np.asarray(ids)
        inputs, targets = ids[:, :-1], ids[:, 1:]
        batch, n = inputs.shape
        p = self.params
        run = self.run(inputs, start=start)
        # softmax cross-entropy: d loss / d logits = (probabilities - one_hot) / count
        logits = run.logits - run.logits.max(axis=-1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=-1, keepdims=True)
        picked = np.take_along_axis(probs, targets[..., None], axis=-1)[..., 0]
        loss = float(-np.mean(np.log(picked)))
        d_logits = probs
        np.put_along_axis(d_logits, targets[..., None], picked[..., None] - 1.0, axis=-1)
        d_logits /= batch * n

        def flat(a):  # (batch, n, d) -> (batch * n, d): one row per position
            return a.reshape(-1, a.shape[-1])

        grads = {"unembed": flat(run.streams[-1]).T @ flat(d_logits)}
        d_x = d_logits @ p["unembed"].T  # (batch, n, d_model): gradient of the final stream
        mask = causal_mask(n)
        for layer in reversed(range(self.n_layers)):
            x = run.streams[layer]  # the stream this layer read
            w = {name: p[layer_key(layer, name)] for name in PROJECTIONS}
            merged = merge_heads(run.heads[layer])
            grads[layer_key(layer, "w_o")] = flat(merged).T @ flat(d_x)
            d_heads = split_heads(d_x @ w["w_o"].T, self.n_heads)
            q, k, v = (split_heads(x @ w[f"w_{c}"], self.n_heads) for c in "qkv")
            d_q, d_k, d_v = (
                merge_heads(g)
                for g in scaled_dot_product_attention_backward(q, k, v, d_heads, mask)
            )
            grads[layer_key(layer, "w_q")] = flat(x).T @ flat(d_q)
            grads[layer_key(layer, "w_k")] = flat(x).T @ flat(d_k)
            grads[layer_key(layer, "w_v")] = flat(x).T @ flat(d_v)
            # the residual connection passes d_x straight through; the layer adds its part
            d_x = d_x + d_q @ w["w_q"].T + d_k @ w["w_k"].T + d_v @ w["w_v"].T
        grads["embed"] = np.zeros_like(p["embed"])
        np.add.at(grads["embed"], inputs, d_x)  # each token's row collects its positions
        grads["position"] = np.zeros_like(p["position"])
        grads["position"][start : start + n] = d_x.sum(axis=0)
        return loss, grads
