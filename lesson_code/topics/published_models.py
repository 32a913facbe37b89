"""Attention shapes of real models, copied from the papers that describe them.

Lessons 21 and 22 compute what a key-value cache costs for these models. Only the numbers
that set the size of the attention layers are kept: how many layers, how many query
heads, how many key/value heads (fewer than the query heads when heads share keys and
values), the size of one head, and the longest input the model was trained on. Each entry
names its source so a reader can check it.

Sizes are counted in numbers, not bytes: how many bytes one number takes is a choice made
when the model runs (2 for 16-bit floats, 1 for 8-bit), so functions take it as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelShape:
    """The attention shape of one published model.

    name: how the model is usually called.
    n_layers: attention layers (one per block).
    n_heads: query heads per layer.
    n_kv_heads: key/value heads per layer (``n_heads`` for multi-head attention, 1 for
        multi-query, in between for grouped-query).
    d_head: numbers in one head's query, key or value vector.
    context: the longest input (tokens) the model was trained to read.
    source: the paper (and table) the numbers come from; "released config" where the
        paper does not list them and the configuration published with the weights does.
    """

    name: str
    n_layers: int
    n_heads: int
    n_kv_heads: int
    d_head: int
    context: int
    source: str

    @property
    def d_model(self) -> int:
        """Width of the residual stream, ``n_heads * d_head`` in all these models."""
        return self.n_heads * self.d_head


# --8<-- [start:models]
MODELS = (
    ModelShape("GPT-2 small", 12, 12, 12, 64, 1024, "Radford et al. 2019; released config"),
    ModelShape("GPT-3 175B", 96, 96, 96, 128, 2048, "Brown et al. 2020, Table 2.1"),
    ModelShape("Llama 2 7B", 32, 32, 32, 128, 4096, "Touvron et al. 2023; released config"),
    ModelShape("Llama 2 70B", 80, 64, 8, 128, 4096, "Touvron et al. 2023; released config"),
    ModelShape("Llama 3 8B", 32, 32, 8, 128, 8192, "Dubey et al. 2024, Table 3"),
    ModelShape("Falcon 7B", 32, 71, 1, 64, 2048, "Almazrouei et al. 2023; released config"),
)
# --8<-- [end:models]


def model(name: str) -> ModelShape:
    """The entry of ``MODELS`` called ``name`` (KeyError naming the known ones if none)."""
    for shape in MODELS:
        if shape.name == name:
            return shape
    known = ", ".join(shape.name for shape in MODELS)
    raise KeyError(f"no model called {name!r}; known: {known}")
