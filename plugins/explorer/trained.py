"""The explorer's second model: the small transformer trained in the build, exported for
the browser.

``lesson_code.learned.trained_model()`` is a two-layer, attention-only transformer trained
on abstract tokens ``0 .. 31`` (random sequences with repeated stretches). This module
exports what the browser needs to run it (:func:`export_trained`, the site's
``assets/explorer/trained.json``), measures which heads do what (:func:`head_roles`) and
computes the numbers the playground quotes (:func:`documented_values`).

Everything the browser does is mirrored here; ``docs/assets/explorer/explorer.js`` runs the
same forward pass on the same exported numbers and the browser tests compare the two to
1e-9.

Words to tokens
---------------
The model never saw a word, only the ids 0 .. 31. The explorer cuts the learner's text
into words exactly as for the hand-built heads (:func:`plugins.explorer.model.tokenize`),
keeps the first :data:`CONTEXT` of them, and numbers the words by first appearance
(:func:`word_ids`): the first distinct word gets id 0, the next new word id 1, and a word
seen before gets its earlier id again. After 32 distinct words the numbering wraps (the
33rd new word gets id 0 again). The model was trained to notice repetition, and this
mapping keeps exactly that: a repeated word is a repeated token.

The exported parameters
-----------------------
``embed (32, 32)``, ``position (64, 32)`` and per layer ``w_q, w_k, w_v, w_o (32, 32)``,
each number rounded to :data:`DECIMALS` decimals. The rounded numbers *are* the browser's
model: numpy reruns them through the same :class:`~lesson_code.learned.TinyTransformer`
(:func:`exported_model`). The unembedding is not exported (the explorer shows attention, not
predictions).
"""

from __future__ import annotations

import numpy as np

from lesson_code.learned import TinyTransformer, head_scores, trained_model, uniform_weight
from lesson_code.learned.model import PROJECTIONS, layer_key
from lesson_code.learned.train import probe_sequences

from .model import compact_json, tokenize, two_decimals

FORMAT_VERSION = 1
DECIMALS = 4  # weights rounded to this many decimals: about 3e-4 off the trained model
SCORE_DECIMALS = 3  # the measured scores shipped with the parameters
ROLE_MIN = 0.4  # a head "is" a previous-token or induction head from this mean weight on
CONTEXT = 64  # the model's positions (checked against the model in export_params)
VOCAB = 32  # the model's token ids 0 .. VOCAB - 1 (checked likewise)

# The sentence the playground suggests and the tests use: a phrase written twice.
REPEAT_SENTENCE = "The cat sat on the mat and the cat sat on the mat."
MAPPING_SENTENCE = "The cat sat on the mat"  # the page shows its ids
# Example sentences shown in trained mode: text and the 0-based query token.
EXAMPLES = (
    (REPEAT_SENTENCE, 8),  # the second "cat": its earlier copy was followed by "sat"
    ("One two three four five, one two three four five.", 7),  # the second "three"
    ("Alice met Bob and Carol; later Alice met Bob again.", 6),  # the second "alice"
)


# --8<-- [start:word_ids]
def word_ids(words: list[str], vocab_size: int = VOCAB) -> list[int]:
    """Number ``words`` by first appearance, wrapping after ``vocab_size`` distinct words.

    >>> word_ids(["the", "cat", "sat", "on", "the", "mat"])
    [0, 1, 2, 3, 0, 4]
    """
    if vocab_size < 1:
        raise ValueError(f"vocab_size must be at least 1, got {vocab_size}")
    first: dict[str, int] = {}
    ids = []
    for word in words:
        if word not in first:
            first[word] = len(first) % vocab_size  # the 33rd new word gets 0 again
        ids.append(first[word])
    return ids


def model_tokens(text: str, context: int = CONTEXT) -> list[str]:
    """The words of ``text`` the trained model sees: the explorer's tokens, at most
    ``context`` of them (the model has no position beyond its context)."""
    return tokenize(text)[:context]


# --8<-- [end:word_ids]


def _round(a) -> np.ndarray:
    return np.round(np.asarray(a, dtype=float), DECIMALS) + 0.0  # no -0.0


def exported_arrays(model) -> dict[str, np.ndarray]:
    """The parameters the browser gets, rounded: embed, position, per layer w_q .. w_o."""
    names = ["embed", "position"] + [
        layer_key(layer, name) for layer in range(model.n_layers) for name in PROJECTIONS
    ]
    return {name: _round(model.params[name]) for name in names}


def exported_model(export: dict) -> TinyTransformer:
    """The model the browser runs, rebuilt in numpy from the exported JSON (a dict)."""
    params = {"embed": export["embed"], "position": export["position"]}
    for layer, matrices in enumerate(export["layers"]):
        for name in PROJECTIONS:
            params[layer_key(layer, name)] = matrices[name]
    d_model = len(export["embed"][0])
    params["unembed"] = np.zeros((d_model, export["vocab_size"]))  # not exported: unused here
    return TinyTransformer(params, export["n_heads"])


def head_roles(model) -> dict:
    """What each head does, measured on the probe sequences of training (random tokens
    written twice; none was trained on): mean weight on the previous token and on the token
    after the earlier occurrence, per head, and the role that follows (:data:`ROLE_MIN`).

    Returns ``{"previous": [[...]], "induction": [[...]], "uniform": float,
    "roles": [[role or None per head] per layer]}``.
    """
    probe = probe_sequences(model.settings)
    previous, induction = head_scores(model, probe)
    roles = []
    for layer in range(model.n_layers):
        row = []
        for head in range(model.n_heads):
            p, i = previous[layer, head], induction[layer, head]
            if max(p, i) < ROLE_MIN:
                row.append(None)
            else:
                row.append("previous" if p >= i else "induction")
        roles.append(row)
    return {
        "previous": np.round(previous, SCORE_DECIMALS).tolist(),
        "induction": np.round(induction, SCORE_DECIMALS).tolist(),
        "uniform": round(uniform_weight(probe), SCORE_DECIMALS),
        "probe": {"count": int(probe.shape[0]), "half": int(probe.shape[1] // 2)},
        "role_min": ROLE_MIN,
        "roles": roles,
    }


def build_export(model=None) -> dict:
    """Everything trained.json holds, as a dict (numbers rounded)."""
    trained = model if model is not None else trained_model()
    if (trained.context, trained.vocab_size) != (CONTEXT, VOCAB):
        raise ValueError(
            f"the trained model has context {trained.context} and {trained.vocab_size} token "
            f"ids; plugins/explorer/trained.py expects {CONTEXT} and {VOCAB}: update both"
        )
    arrays = exported_arrays(trained)
    export = {
        "version": FORMAT_VERSION,
        "n_layers": trained.n_layers,
        "n_heads": trained.n_heads,
        "vocab_size": trained.vocab_size,
        "context": trained.context,
        "embed": arrays["embed"].tolist(),
        "position": arrays["position"].tolist(),
        "layers": [
            {name: arrays[layer_key(layer, name)].tolist() for name in PROJECTIONS}
            for layer in range(trained.n_layers)
        ],
        "training": {
            "steps": trained.settings.steps,
            "window": trained.settings.window,
            "seed": trained.settings.seed,
        },
        "examples": [{"text": text, "query": query} for text, query in EXAMPLES],
    }
    # measured on the exported (rounded) model: the numbers describe what the browser runs
    rounded = exported_model(export)
    rounded.settings = trained.settings
    export["heads"] = head_roles(rounded)
    return export


def export_trained(export: dict) -> str:
    """trained.json: compact (whole numbers without ".0"), floats round-trip exactly."""
    return compact_json(export)


def attention(text: str, export: dict) -> dict:
    """Tokens, ids and every head's weights ``(n_layers, n_heads, n, n)`` for ``text``, from
    the exported parameters (what the browser computes)."""
    tokens = model_tokens(text, export["context"])
    ids = word_ids(tokens, export["vocab_size"])
    weights = exported_model(export).attention(np.array(ids, dtype=int)) if ids else None
    return {"tokens": tokens, "ids": ids, "weights": weights}


def head_name(layer: int, head: int) -> str:
    """How the page names a head: 1-based, "Layer 1, head 3"."""
    return f"Layer {layer + 1}, head {head + 1}"


def _heads_with(roles: list[list[str | None]], role: str) -> list[tuple[int, int]]:
    return [(lay, h) for lay, row in enumerate(roles) for h, r in enumerate(row) if r == role]


def describe_heads(heads: list[tuple[int, int]]) -> str:
    """ "head 3 of layer 1", "heads 1, 2 and 4 of layer 2", or "none" (grouped by layer)."""
    if not heads:
        return "none"
    parts = []
    for layer in sorted({lay for lay, _ in heads}):
        numbers = [str(h + 1) for lay, h in heads if lay == layer]
        listed = (
            numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
        )
        parts.append(f"head{'s' if len(numbers) > 1 else ''} {listed} of layer {layer + 1}")
    return "; ".join(parts)


def ordinal(n: int) -> str:
    """33 -> "33rd" (as explorer.js writes it)."""
    suffix = "th" if 10 < n % 100 < 14 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def documented_values(export: dict) -> dict[str, str]:
    """name -> text, for ``{{ name }}`` on the playground page (all prefixed ``trained_``)."""
    heads = export["heads"]
    previous, induction = np.array(heads["previous"]), np.array(heads["induction"])
    prev_heads = _heads_with(heads["roles"], "previous")
    ind_heads = _heads_with(heads["roles"], "induction")
    run = attention(REPEAT_SENTENCE, export)
    query = EXAMPLES[0][1]  # the second "cat"
    tokens = run["tokens"]
    earlier = tokens.index(tokens[query])  # the first "cat"
    target = earlier + 1  # "sat", which followed it
    values = {
        "trained_vocab": str(export["vocab_size"]),
        "trained_last_token": str(export["vocab_size"] - 1),
        "trained_wrap_word": ordinal(export["vocab_size"] + 1),
        "trained_mapping_sentence": MAPPING_SENTENCE,
        "trained_mapping_ids": " ".join(map(str, word_ids(model_tokens(MAPPING_SENTENCE)))),
        "trained_repeat_query_index": str(query),
        "trained_context": str(export["context"]),
        "trained_window": str(export["training"]["window"]),
        "trained_steps": f"{export['training']['steps']:,}",
        "trained_layers": str(export["n_layers"]),
        "trained_heads_per_layer": str(export["n_heads"]),
        "trained_role_min": two_decimals(ROLE_MIN),
        "trained_uniform": two_decimals(heads["uniform"]),
        "trained_probe_half": str(heads["probe"]["half"]),
        "trained_probe_count": str(heads["probe"]["count"]),
        "trained_prev_heads": describe_heads(prev_heads),
        "trained_induction_heads": describe_heads(ind_heads),
        "trained_prev_score": two_decimals(max(previous[h] for h in prev_heads))
        if prev_heads
        else "none",
        "trained_induction_low": two_decimals(min(induction[h] for h in ind_heads))
        if ind_heads
        else "none",
        "trained_induction_high": two_decimals(max(induction[h] for h in ind_heads))
        if ind_heads
        else "none",
        "trained_repeat_sentence": REPEAT_SENTENCE,
        "trained_repeat_query": str(query + 1),
        "trained_repeat_word": tokens[query],
        "trained_repeat_target": tokens[target],
        "trained_repeat_target_position": str(target + 1),
    }
    others = [
        float(max(previous[lay, h], induction[lay, h]))
        for lay in range(previous.shape[0])
        for h in range(previous.shape[1])
        if (lay, h) not in prev_heads + ind_heads
    ]  # the heads without a role: their best score on either pattern
    values["trained_others_best"] = two_decimals(max(others)) if others else "none"
    if ind_heads:
        weights = [run["weights"][lay, h, query, target] for lay, h in ind_heads]
        values["trained_repeat_low"] = two_decimals(min(weights))
        values["trained_repeat_high"] = two_decimals(max(weights))
    else:
        values["trained_repeat_low"] = values["trained_repeat_high"] = "none"
    if prev_heads:
        lay, h = prev_heads[0]
        values["trained_repeat_prev"] = two_decimals(run["weights"][lay, h, query, query - 1])
    else:
        values["trained_repeat_prev"] = "none"
    return values
