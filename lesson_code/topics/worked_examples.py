"""Hand-built attention examples: "The cat sat", the trophy and the suitcase, "bank".

Lesson 10 uses these to show what a single attention query does on sentences a reader can
reason about. Nothing here is learned: every key, query and value is written by hand, one
named feature per column, so that a score can be read as "how many of the features this
query asks for does that key have". The published trophy/suitcase numbers that popular
explanations quote are here too, so they can be checked.

Shapes
------
For a ``HandBuilt`` example with ``n`` tokens:

- ``keys``:   (n, d_k)  one key per token, columns named by ``features``
- ``query``:  (d_k,)    the query of one token (``tokens[query_index]``)
- ``values``: (n, d_v)  one value per token, columns named by ``value_features``
- ``scores()``: (n,)   ``keys @ query``, divided by √d_k unless ``scale=False``
- ``weights()``: (n,)  softmax of the scores; sums to 1
- ``output()``: (d_v,) ``weights @ values``, the new vector of the query token

Quizzes and tests call the module-level functions with literal arguments, for example
``example_weights("trophy_small")`` or ``published_weights(8, 10)``. Lesson 27 re-checks
the published numbers with ``published_weights`` too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lesson_code.attention import softmax

# --8<-- [start:published]
# Scores that a popular explanation gives for the query of "it" in
# "The trophy didn't fit in the suitcase because it was too small".
PUBLISHED_SCORES = {"trophy": 8.2, "suitcase": 3.1, "small": 2.4}
# The explanation never states its key size: 8 is inferred from its quoted 0.79/0.13 ratio
# (a divisor of about 2.83 ≈ √8), so a ratio that "matches" with it checks nothing (lesson 10).
PUBLISHED_D_K = 8
PUBLISHED_CLAIM = {"trophy": 0.79, "suitcase": 0.13}  # "...the rest: tiny"


def published_weights(d_k=PUBLISHED_D_K, n_other=0):
    """Softmax weights of the published scores: trophy, suitcase, small.

    d_k:     divide the scores by √d_k first, as attention does (None: no scaling, as
             if d_k were 1); the default is the key size the explanation implies
    n_other: how many other tokens of the sentence join the softmax with score 0

    Returns (3 + n_other,): trophy, suitcase, small, then the others; sums to 1.
    """
    scores = np.array(list(PUBLISHED_SCORES.values()), dtype=float)  # (3,)
    if d_k is not None:
        scores = scores / np.sqrt(d_k)
    scores = np.concatenate([scores, np.zeros(n_other)])  # (3 + n_other,)
    return softmax(scores)


# --8<-- [end:published]


@dataclass(frozen=True)
class HandBuilt:
    """One sentence, the keys and values of all its tokens, and the query of one token."""

    name: str
    tokens: tuple[str, ...]
    features: tuple[str, ...]  # what each column of keys and query stands for
    keys: np.ndarray  # (n, d_k)
    query_index: int  # which token's query this is
    query: np.ndarray  # (d_k,)
    value_features: tuple[str, ...]  # what each column of values stands for
    values: np.ndarray  # (n, d_v)

    def __post_init__(self):
        n, d_k = self.keys.shape
        assert len(self.tokens) == n, f"{self.name}: {len(self.tokens)} tokens but {n} keys"
        assert len(self.features) == d_k, f"{self.name}: {len(self.features)} names, d_k={d_k}"
        assert self.query.shape == (d_k,), f"{self.name}: query {self.query.shape} != ({d_k},)"
        assert self.values.shape == (n, len(self.value_features)), (
            f"{self.name}: values {self.values.shape} != ({n}, {len(self.value_features)})"
        )
        assert 0 <= self.query_index < n, f"{self.name}: query_index {self.query_index}"

    @property
    def d_k(self) -> int:
        return self.keys.shape[1]

    @property
    def query_token(self) -> str:
        return self.tokens[self.query_index]

    def scores(self, scale=True):
        """(n,) dot product of the query with every key, divided by √d_k if ``scale``."""
        raw = self.keys @ self.query  # (n,)
        return raw / np.sqrt(self.d_k) if scale else raw

    def weights(self, scale=True):
        """(n,) softmax of the scores: how much of each value the query token takes."""
        return softmax(self.scores(scale))

    def output(self, scale=True):
        """(d_v,) the blended value: weights @ values."""
        return self.weights(scale) @ self.values


def _vectors(features, rows):
    """Build an (n, d) array from dicts {feature name: amount}; unnamed features are 0."""
    index = {f: i for i, f in enumerate(features)}
    out = np.zeros((len(rows), len(features)))
    for r, row in enumerate(rows):
        for name, amount in row.items():
            assert name in index, f"unknown feature {name!r}; features are {features}"
            out[r, index[name]] = amount
    return out


# --- "The cat sat": the verb looks for its subject ------------------------------------
CAT_FEATURES = ("determiner", "noun", "animate", "verb")
CAT_VALUE_FEATURES = ("grammar", "animal", "action")


# --8<-- [start:cat_sat]
def _cat_sat() -> HandBuilt:
    tokens = ("The", "cat", "sat")
    keys = _vectors(
        CAT_FEATURES,
        [{"determiner": 1}, {"noun": 1, "animate": 1}, {"verb": 1}],
    )
    # "sat" asks: who did this? An animate noun, please; and a little of myself.
    query = _vectors(CAT_FEATURES, [{"noun": 2, "animate": 2, "verb": 1}])[0]
    values = _vectors(CAT_VALUE_FEATURES, [{"grammar": 1}, {"animal": 1}, {"action": 1}])
    return HandBuilt(
        "cat_sat",
        tokens,
        CAT_FEATURES,
        keys,
        2,
        query,
        CAT_VALUE_FEATURES,
        values,
    )


# --8<-- [end:cat_sat]


# --- "it": the trophy and the suitcase (a Winograd schema) ----------------------------
TROPHY_FEATURES = (
    "function word",
    "noun",
    "physical object",
    "goes inside",
    "holds things",
    "size word",
    "verb",
    "pronoun",
)
TROPHY_VALUE_FEATURES = ("trophy", "suitcase", "size", "other")
# The sentence has 13 tokens once "didn't" is split as tokenizers do: did + n't.
TROPHY_TOKENS_SMALL = (
    "The",
    "trophy",
    "did",
    "n't",
    "fit",
    "in",
    "the",
    "suitcase",
    "because",
    "it",
    "was",
    "too",
    "small",
)
TROPHY_TOKENS_BIG = TROPHY_TOKENS_SMALL[:-1] + ("big",)


def _trophy_keys():
    function = {"function word": 1}
    return _vectors(
        TROPHY_FEATURES,
        [
            function,  # The
            {"noun": 1, "physical object": 1, "goes inside": 1},  # trophy
            function,  # did
            function,  # n't
            {"verb": 1},  # fit
            function,  # in
            function,  # the
            {"noun": 1, "physical object": 1, "holds things": 1},  # suitcase
            function,  # because
            {"pronoun": 1},  # it
            {"verb": 1},  # was
            function,  # too
            {"size word": 1},  # small / big
        ],
    )


def _trophy_values():
    rows = [{"other": 1}] * 13
    rows[1] = {"trophy": 1}
    rows[7] = {"suitcase": 1}
    rows[12] = {"size": 1}
    return _vectors(TROPHY_VALUE_FEATURES, rows)


# --8<-- [start:trophy]
def _trophy(adjective: str) -> HandBuilt:
    # Earlier layers have mixed "too small" / "too big" into "it", so its
    # query can ask for the right role: what is too small must be the
    # container; what is too big must be the thing that goes inside.
    # Function words are pushed down a little.
    role = {"small": "holds things", "big": "goes inside"}[adjective]
    query = _vectors(
        TROPHY_FEATURES,
        [{"noun": 2, "physical object": 2, role: 4, "function word": -2}],
    )[0]
    tokens = TROPHY_TOKENS_SMALL if adjective == "small" else TROPHY_TOKENS_BIG
    it = tokens.index("it")
    return HandBuilt(
        f"trophy_{adjective}",
        tokens,
        TROPHY_FEATURES,
        _trophy_keys(),
        it,
        query,
        TROPHY_VALUE_FEATURES,
        _trophy_values(),
    )


# --8<-- [end:trophy]


# --- "bank": river bank or money bank ---------------------------------------------------
BANK_FEATURES = ("function word", "person", "verb", "water", "money", "place")
BANK_VALUE_FEATURES = ("water", "money", "place", "other")
BANK_TOKENS_RIVER = ("we", "sat", "on", "the", "bank", "of", "the", "river")
BANK_TOKENS_MONEY = ("she", "paid", "the", "cash", "into", "the", "bank")

# --8<-- [start:bank]
_FUNCTION = {"function word": 1}
_BANK_KEYS = {  # what each word offers to be matched on
    "we": {"person": 1},
    "she": {"person": 1},
    "sat": {"verb": 1},
    "paid": {"verb": 1, "money": 0.5},
    "on": _FUNCTION,
    "the": _FUNCTION,
    "of": _FUNCTION,
    "into": _FUNCTION,
    "bank": {"place": 1},
    "river": {"water": 1, "place": 1},
    "cash": {"money": 1},
}
_BANK_VALUES = {  # what a word hands over; words not listed hand over "other"
    "bank": {"place": 1},
    "river": {"water": 1, "place": 0.5},
    "cash": {"money": 1},
    "paid": {"money": 0.5, "other": 0.5},
}


def _bank(context: str) -> HandBuilt:
    tokens = BANK_TOKENS_RIVER if context == "river" else BANK_TOKENS_MONEY
    keys = _vectors(BANK_FEATURES, [_BANK_KEYS[t] for t in tokens])
    values = _vectors(BANK_VALUE_FEATURES, [_BANK_VALUES.get(t, {"other": 1}) for t in tokens])
    # "bank" asks the same question in both sentences: is there a water clue
    # or a money clue nearby? Only the keys around it differ.
    query = _vectors(
        BANK_FEATURES,
        [{"water": 3, "money": 3, "place": 1, "function word": -1}],
    )[0]
    return HandBuilt(
        f"bank_{context}",
        tokens,
        BANK_FEATURES,
        keys,
        tokens.index("bank"),
        query,
        BANK_VALUE_FEATURES,
        values,
    )


# --8<-- [end:bank]


# --8<-- [start:examples]
EXAMPLES = {
    "cat_sat": _cat_sat(),
    "trophy_small": _trophy("small"),
    "trophy_big": _trophy("big"),
    "bank_river": _bank("river"),
    "bank_money": _bank("money"),
}
# --8<-- [end:examples]


def example(name):
    """The ``HandBuilt`` example called ``name`` (one of ``EXAMPLES``)."""
    assert name in EXAMPLES, f"unknown example {name!r}; choose from {sorted(EXAMPLES)}"
    return EXAMPLES[name]


def example_scores(name, scale=True):
    """(n,) scores of the example's query against every key (scaled by √d_k if ``scale``)."""
    return example(name).scores(scale)


def example_weights(name, scale=True):
    """(n,) attention weights of the example's query over its sentence."""
    return example(name).weights(scale)


def example_output(name, scale=True):
    """(d_v,) the example's output vector: its weights times its values."""
    return example(name).output(scale)


def weight_of(name, token, scale=True):
    """Total weight the example's query gives to every occurrence of ``token``."""
    ex = example(name)
    assert token in ex.tokens, f"{token!r} is not in {ex.tokens}"
    w = ex.weights(scale)
    return float(sum(w[i] for i, t in enumerate(ex.tokens) if t == token))
