"""Three small attention heads, built by hand from first principles, for the explorer.

The playground page (``docs/playground/index.md``) lets a learner type a sentence, pick a
query token and watch three heads and their average. This module *builds* those heads
(real ``W_Q``, ``W_K``, ``W_V`` matrices over token embeddings plus positions), exports
every parameter the browser needs (:func:`export_params`), and computes the same weights
in numpy (:func:`attention_weights`) so tests can check the browser against it.

Everything below is mirrored line for line in ``docs/assets/explorer/explorer.js``;
change one, change the other (the browser tests compare them to 1e-9).

Tokens
------
``tokenize(text)``: Unicode NFC, lower-case, then maximal runs of letters (Unicode
category L*); everything else (digits, punctuation, apostrophes, emoji, spaces) separates
tokens. "Don't!" -> ["don", "t"]. At most :data:`MAX_TOKENS` tokens are kept.

Embedding of one token (``d_model = 32``, one row of ``x``)
-------------------------------------------------------------
=========  ======  ==============================================================
columns    name    content
=========  ======  ==============================================================
0-7        tag     one-hot word class from :data:`LEXICON` (noun, pronoun, verb,
                   adjective, determiner, preposition, other, unknown)
8-15       sem     meaning: 8 numbers from a co-occurrence table of :data:`CORPUS`
                   (positive PMI, eigen-decomposed); 0 for function words
16-31      pos     sinusoidal position of the token (base 8, 8 frequencies)
=========  ======  ==============================================================

Unknown words (not in :data:`LEXICON`) get the tag "unknown" and a deterministic ``sem``
vector: seed = FNV-1a 32-bit hash of the word's UTF-8 bytes, 8 draws of the mulberry32
generator mapped to [-1, 1), rescaled to the median length of known meaning vectors.
Only exact IEEE operations are used (integer arithmetic, +, *, /, sqrt), so JavaScript
reproduces the vector bit for bit.

The heads (each ``W_Q``, ``W_K``, ``W_V`` is ``(d_model, d_k)`` with ``d_k = 8``)
--------------------------------------------------------------------------------
1. **Previous token.** ``W_K`` reads the 4 fastest position frequencies; ``W_Q`` reads
   the same and rotates every (sin, cos) pair back by one step, so ``q_i . k_j`` is
   ``scale * sum cos(w (i - 1 - j))``: largest when ``j = i - 1``. Blind to words.
2. **Related words.** ``q_i . k_j = scale * PPMI(i, j)`` (approximately): the query and
   key read the meaning columns, with the sign of each eigenvalue on the query side, so
   the head scores pairs of words that appear together in the corpus ("river", "bank").
3. **Pronouns and verbs to nouns.** The query asks "am I a pronoun or a verb?", the key
   answers "am I a noun?", and a recency bump (three slow position frequencies, rotated
   back by :data:`RECENCY_SHIFT` steps) prefers nouns just before the query.

The average is the plain mean of the three weight matrices.
"""

from __future__ import annotations

import json
import math
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

import numpy as np

from lesson_code.attention import scaled_dot_product_attention, sinusoidal_positions

FORMAT_VERSION = 1
MAX_TOKENS = 128
D_K = 8
N_SEM = 8
N_POS = 16
POS_BASE = 8.0
RECENCY_SHIFT = 2
DECIMALS = 4  # every exported number is rounded to this many decimals, then used as is

TAGS = ("noun", "pronoun", "verb", "adjective", "determiner", "preposition", "other", "unknown")
TAG_COL = {tag: i for i, tag in enumerate(TAGS)}
SEM_START = len(TAGS)  # 8
POS_START = SEM_START + N_SEM  # 16
D_MODEL = POS_START + N_POS  # 32

# --8<-- [start:lexicon]
# One word class per word (a real tagger would look at context; this one cannot: that is
# one of the failures the playground documents). Auxiliary verbs are verbs.
_LEXICON_TEXT = {
    "determiner": "the a an this these those his her their its my your our some every no "
    "each all any",
    "pronoun": "it he she they him them we i you me us who which that itself himself herself",
    "preposition": "in on at of from to into for with by under over near past down up "
    "after before across through below above behind onto off out around along",
    "other": "and but or because not too very so than then when while if as just also "
    "there here again still only soon never",
    "verb": "was were is are be been did do does had has have can could would will "
    "flowed swim swam sat drifted stood joins paddle covered made carried made paid lent "
    "charged saved counted opened raised withdrew won lifted packed carry carried close "
    "pack fit fits put chased ate caught ran sleeps barked hid cooked baked sliced fell "
    "dried brought rose flooded fished caught rowed borrowed deposited spent owe owed "
    "polished awarded zipped unpacked climbed hunted squeaked purred nibbled boiled "
    "tasted shone blew washed sank crossed earned invested cashed celebrated",
    "adjective": "muddy cold grassy shallow large heavy shiny gold small big full warm "
    "hungry wet dark deep fast slow green sweet fresh tired quiet loud brave rich poor "
    "empty tiny huge soft old new proud narrow wide",
}
# --8<-- [end:lexicon]

# The corpus the related-words head learns from: short sentences about rivers, banks
# (both kinds), trophies and suitcases, cats and mice, kitchens and weather.
CORPUS = """
the river flowed past the muddy bank
fish swim in the cold river water
we sat on the grassy bank of the river
the boat drifted down the river to the sea
after the rain the river bank was muddy and wet
the fisherman stood on the bank with his rod
ducks paddle in the shallow water near the shore
the stream joins the river below the bridge
mud covered the boots of the fisherman
the rain made the path muddy
the flood carried mud and stones down the river
the fisherman fished from the bank of the stream
he rowed the boat across the deep river
the water rose and flooded the bank
the children swam in the river in summer
reeds grew along the bank of the stream
the boat was tied to the bank of the river
water lapped against the muddy bank
the path ran along the river bank
the children played on the wet bank of the river
she paid the money into her bank account
the bank lent him money for a house
the bank charged interest on the loan
he saved cash in the bank
the teller at the bank counted the money
the loan from the bank was large
they opened an account at the bank
the bank raised the interest rate
she withdrew cash from her account
he borrowed money from the bank to buy a car
she deposited the cheque at the bank
the rich man invested his money in the bank
they spent the cash and owed the bank money
he earned money and saved it in an account
the team won the trophy at the final
the champion lifted the shiny trophy
the trophy stood on the shelf
the prize was a heavy gold trophy
the team celebrated the trophy and the prize
the coach polished the trophy after the final
the trophy was awarded to the champion
she packed her clothes in the suitcase
the suitcase was too small for the coat
he carried the heavy suitcase to the train
the suitcase did not close because it was full
pack the shoes and the coat in the bag
the bag and the suitcase were at the station
she zipped the suitcase and took the train
he unpacked the clothes from the suitcase
the big trophy did not fit in the small box
the winner put the trophy in a bag
the cat chased the mouse into the kitchen
the mouse ate the cheese
the dog chased the cat up the tree
the hungry cat caught a mouse
the mouse ran from the cat
a cat sleeps on the warm mat
the dog barked at the cat
the mouse hid in a hole in the wall
the cat hunted the mouse in the garden
the mouse squeaked and the cat purred
the mouse nibbled the cheese in the kitchen
the cat climbed the tree after the bird
she cooked soup in the kitchen
bread and cheese were on the kitchen table
he baked bread in the oven
she sliced the bread and the cheese
the soup boiled on the stove in the kitchen
the bread tasted fresh and sweet
the rain fell on the town
the sun dried the wet road
dark clouds brought heavy rain
the sun shone after the rain
the wind blew the clouds across the sky
the rain washed the mud from the road
"""

# The example sentences of the playground (buttons above the explorer): text, query word.
EXAMPLES = (
    ("The river bank was muddy after the rain.", "bank"),
    ("The trophy would not fit into the suitcase because it was too big.", "it"),
    ("The trophy would not fit into the suitcase because it was too small.", "it"),
    ("The cat that chased the mouse was hungry.", "chased"),
    ("She put the money from the loan in the bank by the river.", "bank"),
)

HEADS = (
    ("previous", "Previous-token head"),
    ("related", "Related-words head"),
    ("nouns", "Pronouns-and-verbs-to-nouns head"),
)
AVERAGE_NAME = "Average of the three heads"


# --8<-- [start:tokenize]
def is_letter(ch: str) -> bool:
    """True for Unicode letters (categories Lu, Ll, Lt, Lm, Lo), like JS /\\p{L}/u."""
    return unicodedata.category(ch).startswith("L")


def tokenize(text: str) -> list[str]:
    """NFC, lower-case, maximal runs of letters; at most MAX_TOKENS tokens.

    >>> tokenize("The river-bank, 2024: muddy!")
    ['the', 'river', 'bank', 'muddy']
    """
    text = unicodedata.normalize("NFC", text).lower()
    tokens: list[str] = []
    current: list[str] = []
    for ch in text:
        if is_letter(ch):
            current.append(ch)
        elif current:
            tokens.append("".join(current))
            current = []
    if current:
        tokens.append("".join(current))
    return tokens[:MAX_TOKENS]


# --8<-- [end:tokenize]


# --8<-- [start:hash]
def fnv1a32(word: str) -> int:
    """32-bit FNV-1a hash of the UTF-8 bytes of ``word`` (an unsigned int)."""
    h = 0x811C9DC5
    for byte in word.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def mulberry32(seed: int):
    """The mulberry32 generator: yields floats in [0, 1), each uint32 / 2**32."""
    a = seed & 0xFFFFFFFF
    while True:
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        yield ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296


def unknown_sem(word: str, length: float) -> list[float]:
    """Deterministic meaning vector of a word outside the lexicon (plain floats).

    Left-to-right sums and correctly rounded operations only, so the JS port is exact.
    """
    draws = mulberry32(fnv1a32(word))
    u = [2.0 * next(draws) - 1.0 for _ in range(N_SEM)]
    total = 0.0
    for value in u:
        total += value * value
    factor = length / math.sqrt(total)
    return [value * factor for value in u]


# --8<-- [end:hash]


def lexicon() -> dict[str, str]:
    """word -> tag for every word the explorer knows."""
    words: dict[str, str] = {}
    for tag, text in _LEXICON_TEXT.items():
        for word in text.split():
            assert words.get(word, tag) == tag, f"{word!r} is listed as {words[word]} and {tag}"
            words[word] = tag
    for sentence in CORPUS.strip().splitlines():
        for word in tokenize(sentence):
            words.setdefault(word, "noun")  # every other corpus word is a noun
    return words


LEXICON = lexicon()
CONTENT_TAGS = ("noun", "verb", "adjective")
AUXILIARIES = set("was were is are be been did do does had has have can could would will".split())


def is_content(word: str) -> bool:
    return LEXICON.get(word) in CONTENT_TAGS and word not in AUXILIARIES


# --8<-- [start:ppmi]
def cooccurrence(sentences: list[list[str]], vocab: list[str]) -> np.ndarray:
    """(V, V) counts of content words appearing in the same sentence (diagonal 0)."""
    index = {w: i for i, w in enumerate(vocab)}
    counts = np.zeros((len(vocab), len(vocab)))
    for tokens in sentences:
        ids = sorted({index[t] for t in tokens if t in index})
        for a, b in combinations(ids, 2):
            counts[a, b] += 1
            counts[b, a] += 1
    return counts


def ppmi(counts: np.ndarray, alpha: float = 0.75) -> np.ndarray:
    """Positive pointwise mutual information, context counts smoothed by ``alpha``."""
    total = counts.sum()
    p_w = counts.sum(axis=1) / total  # (V,)
    p_c = counts.sum(axis=0) ** alpha
    p_c = p_c / p_c.sum()  # (V,)
    with np.errstate(divide="ignore"):
        pmi = np.log((counts / total) / np.outer(p_w, p_c))  # (V, V), -inf where 0
    pmi = np.maximum(pmi, 0.0)
    return (pmi + pmi.T) / 2  # symmetric (smoothing made it slightly not)


def meaning_vectors(matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` eigenpairs (by |eigenvalue|) of a symmetric matrix as word vectors.

    Returns ``(vectors (V, k), signs (k,))`` with ``vectors * signs @ vectors.T ~ matrix``.
    Each vector's sign is fixed (largest entry positive) so the build is reproducible.
    """
    values, vecs = np.linalg.eigh(matrix)
    order = np.argsort(-np.abs(values), kind="stable")[:k]
    values, vecs = values[order], vecs[:, order]
    flip = np.sign(vecs[np.argmax(np.abs(vecs), axis=0), np.arange(k)])
    vecs = vecs * flip
    return vecs * np.sqrt(np.abs(values)), np.sign(values)


# --8<-- [end:ppmi]


# --------------------------------------------------------------------------------------
# Building the heads
# --------------------------------------------------------------------------------------
PREVIOUS_SCALE = 3.0  # sharpness of the previous-token head
RELATED_SCALE = 0.8  # multiplies the PPMI score of the related-words head
NOUN_SCALE = 6.0  # how strongly pronouns and verbs prefer nouns
VERB_SHARE = 0.8  # a verb wants a noun this much, relative to a pronoun
RECENCY_SCALE = 1.0  # strength of the "just before me" bump
FUNCTION_PENALTY = 2.0  # nouns head: how much determiners, prepositions, "other" are avoided
PREVIOUS_FREQS = (0, 1, 2, 3)  # indices of the position frequencies each head reads
RECENCY_FREQS = (5, 6, 7)


def _round(x):
    """Round to DECIMALS and turn -0.0 into 0.0 (the exported numbers are the model)."""
    return np.round(np.asarray(x, dtype=float), DECIMALS) + 0.0


def _rates() -> np.ndarray:
    """The 8 angular frequencies of the position columns (as sinusoidal_positions)."""
    return POS_BASE ** (-np.arange(0, N_POS, 2) / N_POS)


def _rotation(freq: int, shift: float) -> np.ndarray:
    """2x2 map taking (sin(w p), cos(w p)) to (sin(w (p - shift)), cos(w (p - shift)))."""
    angle = _rates()[freq] * shift
    c, s = math.cos(angle), math.sin(angle)
    # sin(a - b) = sin a cos b - cos a sin b ; cos(a - b) = cos a cos b + sin a sin b
    return np.array([[c, s], [-s, c]])  # row vector (sin, cos) @ this


def _pos_cols(freq: int) -> tuple[int, int]:
    return POS_START + 2 * freq, POS_START + 2 * freq + 1


def build_previous_head() -> dict[str, np.ndarray]:
    """q_i . k_j = scale * sum_f cos(w_f (i - 1 - j)): peaks at the previous token."""
    w_q, w_k, w_v = (np.zeros((D_MODEL, D_K)) for _ in range(3))
    for slot, freq in enumerate(PREVIOUS_FREQS):
        rows = list(_pos_cols(freq))
        cols = [2 * slot, 2 * slot + 1]
        w_k[np.ix_(rows, cols)] = np.eye(2)
        w_q[np.ix_(rows, cols)] = PREVIOUS_SCALE * math.sqrt(D_K) * _rotation(freq, 1.0)
    for col in TAG_COL.values():  # value: what kind of word came just before me
        w_v[col, col] = 1.0
    return {"w_q": w_q, "w_k": w_k, "w_v": w_v}


def build_related_head(signs: np.ndarray) -> dict[str, np.ndarray]:
    """q_i . k_j = scale * sum_d sign_d sem_i[d] sem_j[d] ~ scale * PPMI(i, j)."""
    w_q, w_k, w_v = (np.zeros((D_MODEL, D_K)) for _ in range(3))
    sem = np.arange(SEM_START, SEM_START + N_SEM)
    w_q[sem, np.arange(N_SEM)] = RELATED_SCALE * math.sqrt(D_K) * signs
    w_k[sem, np.arange(N_SEM)] = 1.0
    w_v[sem, np.arange(N_SEM)] = 1.0  # value: the meaning of the related word
    return {"w_q": w_q, "w_k": w_k, "w_v": w_v}


def build_nouns_head() -> dict[str, np.ndarray]:
    """Pronouns and verbs ask for nouns; a recency bump prefers the nouns just before."""
    w_q, w_k, w_v = (np.zeros((D_MODEL, D_K)) for _ in range(3))
    root = math.sqrt(D_K)
    # column 0: "I want a noun" (query) x "I am a noun" (key)
    w_q[TAG_COL["pronoun"], 0] = NOUN_SCALE * root
    w_q[TAG_COL["verb"], 0] = NOUN_SCALE * VERB_SHARE * root
    w_k[TAG_COL["noun"], 0] = 1.0
    # column 1: every query (the tags sum to 1) avoids function words as keys
    for tag in TAGS:
        w_q[TAG_COL[tag], 1] = FUNCTION_PENALTY * root
    for tag in ("determiner", "preposition", "other"):
        w_k[TAG_COL[tag], 1] = -1.0
    # columns 2-7: a bump centred RECENCY_SHIFT tokens before the query
    for slot, freq in enumerate(RECENCY_FREQS):
        rows = list(_pos_cols(freq))
        cols = [2 + 2 * slot, 3 + 2 * slot]
        w_k[np.ix_(rows, cols)] = np.eye(2)
        w_q[np.ix_(rows, cols)] = RECENCY_SCALE * root * _rotation(freq, RECENCY_SHIFT)
    sem = np.arange(SEM_START, SEM_START + N_SEM)
    w_v[sem, np.arange(N_SEM)] = 1.0  # value: the meaning of the noun found
    return {"w_q": w_q, "w_k": w_k, "w_v": w_v}


def corpus_sentences() -> list[list[str]]:
    return [tokenize(line) for line in CORPUS.strip().splitlines()]


def build_params() -> dict:
    """Every number the explorer needs, rounded to DECIMALS: this dict *is* the model."""
    sentences = corpus_sentences()
    vocab = sorted({w for s in sentences for w in s if is_content(w)})
    vectors, signs = meaning_vectors(ppmi(cooccurrence(sentences, vocab)), N_SEM)
    vectors = _round(vectors)
    lengths = np.sqrt((vectors**2).sum(axis=1))
    heads = [build_previous_head(), build_related_head(signs), build_nouns_head()]
    tag_index = {t: i for i, t in enumerate(TAGS)}
    return {
        "version": FORMAT_VERSION,
        "d_model": D_MODEL,
        "d_k": D_K,
        "max_tokens": MAX_TOKENS,
        "tags": list(TAGS),
        "sem_start": SEM_START,
        "n_sem": N_SEM,
        "pos_start": POS_START,
        "n_pos": N_POS,
        "pos_base": POS_BASE,
        "unknown_length": float(_round(np.median(lengths))),
        # word -> tag index, for every known word
        "lexicon": {w: tag_index[t] for w, t in sorted(LEXICON.items())},
        # word -> meaning vector, for content words (others have zeros)
        "sem": {w: [float(v) for v in vec] for w, vec in zip(vocab, vectors, strict=True)},
        "heads": [
            {
                "id": head_id,
                "name": name,
                **{k: _round(m).tolist() for k, m in head.items()},
            }
            for (head_id, name), head in zip(HEADS, heads, strict=True)
        ],
        "average_name": AVERAGE_NAME,
        "examples": [
            {"text": text, "query": tokenize(text).index(word)} for text, word in EXAMPLES
        ],
    }


# --------------------------------------------------------------------------------------
# The forward pass (numpy): exactly what explorer.js computes
# --------------------------------------------------------------------------------------
def embed(tokens: list[str], params: dict) -> np.ndarray:
    """(n, d_model) embeddings: tag one-hot, meaning vector, sinusoidal position."""
    n = len(tokens)
    x = np.zeros((n, params["d_model"]))  # (n, d_model)
    s0, ns, p0 = params["sem_start"], params["n_sem"], params["pos_start"]
    unknown = params["tags"].index("unknown")
    for i, word in enumerate(tokens):
        tag = params["lexicon"].get(word, unknown)
        x[i, tag] = 1.0
        if tag == unknown:
            x[i, s0 : s0 + ns] = unknown_sem(word, params["unknown_length"])
        elif word in params["sem"]:
            x[i, s0 : s0 + ns] = params["sem"][word]
    if n:
        x[:, p0 : p0 + params["n_pos"]] = sinusoidal_positions(
            n, params["n_pos"], base=params["pos_base"]
        )
    return x


def forward(tokens: list[str], params: dict) -> dict:
    """Run the heads on ``tokens``.

    Returns ``weights (n_heads, n, n)``, their ``average (n, n)`` and the head
    ``outputs (n_heads, n, d_k)`` (each row a weighted average of the value rows).
    """
    x = embed(tokens, params)  # (n, d_model)
    weights, outputs = [], []
    for head in params["heads"]:
        q = x @ np.asarray(head["w_q"])  # (n, d_k)
        k = x @ np.asarray(head["w_k"])  # (n, d_k)
        v = x @ np.asarray(head["w_v"])  # (n, d_k)
        out, w = scaled_dot_product_attention(q, k, v)  # (n, d_k), (n, n)
        weights.append(w)
        outputs.append(out)
    weights = np.array(weights).reshape(len(params["heads"]), len(tokens), len(tokens))
    return {
        "tokens": tokens,
        "weights": weights,
        "average": weights.mean(axis=0),
        "outputs": np.array(outputs).reshape(len(params["heads"]), len(tokens), -1),
    }


def attention_weights(sentence: str, params: dict | None = None) -> dict:
    """Tokenise ``sentence`` and run the three heads: see :func:`forward`."""
    return forward(tokenize(sentence), params if params is not None else build_params())


def compact_json(data) -> str:
    """JSON for the browser: no spaces, whole numbers without ".0", floats round-trip."""

    def compact(obj):
        if isinstance(obj, float) and obj.is_integer():
            return int(obj)
        if isinstance(obj, list):
            return [compact(v) for v in obj]
        if isinstance(obj, dict):
            return {k: compact(v) for k, v in obj.items()}
        return obj

    return json.dumps(compact(data), separators=(",", ":"), ensure_ascii=False)


def export_params(params: dict | None = None) -> str:
    """The JSON file the browser loads (compact; floats round-trip exactly)."""
    return compact_json(params if params is not None else build_params())


# --------------------------------------------------------------------------------------
# What each head does and where it fails: the numbers quoted on the playground page
# --------------------------------------------------------------------------------------
FAILURES = {
    "river": "The river bank was muddy after the rain.",
    "loan": "She put the money from the loan in the bank by the river.",
    "cat": "The cat that chased the mouse was hungry.",
    "big": "The trophy would not fit into the suitcase because it was too big.",
    "small": "The trophy would not fit into the suitcase because it was too small.",
    "glorp": "The glorp was muddy.",
    "wug": "The wug chased the mouse.",
    "that": "That cat chased the mouse.",
}


def long_sentence(n: int) -> str:
    """A sentence of exactly ``n`` tokens made of corpus lines (for tests and benchmarks)."""
    words = " ".join(CORPUS.split()).split()
    while len(words) < n:
        words = words + words
    return " ".join(words[:n])


def _index(tokens: list[str], word: str, nth: int = 0) -> int:
    found = [i for i, t in enumerate(tokens) if t == word]
    assert len(found) > nth, f"{word!r} occurs {len(found)} times in {tokens}"
    return found[nth]


def documented_values(params: dict | None = None) -> dict[str, str]:
    """name -> formatted number, for ``{{ name }}`` on the playground page."""
    params = params if params is not None else build_params()
    runs = {key: attention_weights(text, params) for key, text in FAILURES.items()}
    head = {head_id: h for h, (head_id, _) in enumerate(HEADS)}

    def weight(run: str, head_id: str, query: str, key: str, nth_key: int = 0) -> float:
        r = runs[run]
        i, j = _index(r["tokens"], query), _index(r["tokens"], key, nth_key)
        w = r["average"] if head_id == "average" else r["weights"][head[head_id]]
        return float(w[i, j])

    values: dict[str, float | str] = {}
    # previous token: how often, how much, and the first token
    hits, prev = [], []
    for text, _ in EXAMPLES:
        w = attention_weights(text, params)["weights"][head["previous"]]
        for i in range(1, len(w)):
            hits.append(int(np.argmax(w[i])) == i - 1)
            prev.append(w[i, i - 1])
    values["prev_hit_share"] = f"{100 * np.mean(hits):.0f} %"
    values["prev_median"] = float(np.median(prev))
    values["prev_first_self"] = float(runs["river"]["weights"][head["previous"]][0, 0])
    w = attention_weights(long_sentence(MAX_TOKENS), params)["weights"][head["previous"]]
    diag = np.array([w[i, i - 1] for i in range(1, len(w))])
    values["prev_long_min"] = float(diag.min())
    values["prev_long_hits"] = f"{int(np.sum(np.argmax(w[1:], axis=1) == np.arange(len(w) - 1)))}"
    values["max_tokens"] = str(MAX_TOKENS)
    # related words
    values["rel_bank_self"] = weight("river", "related", "bank", "bank")
    values["rel_bank_river"] = weight("river", "related", "bank", "river")
    values["rel_mouse_cat"] = weight("cat", "related", "mouse", "cat")
    values["rel_loan_bank_money"] = weight("loan", "related", "bank", "money")
    values["rel_loan_bank_river"] = weight("loan", "related", "bank", "river")
    n = len(runs["river"]["tokens"])
    values["rel_the_uniform"] = weight("river", "related", "the", "rain")
    values["rel_uniform_n"] = str(n)
    values["rel_muddy_glorp"] = weight("glorp", "related", "muddy", "glorp")
    # pronouns and verbs to nouns
    values["nouns_it_suitcase"] = weight("big", "nouns", "it", "suitcase")
    values["nouns_it_trophy"] = weight("big", "nouns", "it", "trophy")
    big, small = runs["big"], runs["small"]
    i = _index(big["tokens"], "it")
    diff = np.abs(big["weights"][head["nouns"]][i] - small["weights"][head["nouns"]][i]).max()
    values["nouns_big_small_diff"] = float(diff)
    values["nouns_chased_cat"] = weight("cat", "nouns", "chased", "cat")
    values["nouns_was_mouse"] = weight("cat", "nouns", "was", "mouse")
    values["nouns_was_cat"] = weight("cat", "nouns", "was", "cat")
    values["nouns_wug_chased_mouse"] = weight("wug", "nouns", "chased", "mouse")
    values["nouns_wug_chased_wug"] = weight("wug", "nouns", "chased", "wug")
    values["nouns_that_cat"] = weight("that", "nouns", "that", "cat")
    # average
    values["avg_it_suitcase"] = weight("big", "average", "it", "suitcase")
    return {k: v if isinstance(v, str) else two_decimals(v) for k, v in values.items()}


def two_decimals(x: float) -> str:
    """Format like JavaScript's ``x.toFixed(2)`` (exact value, ties away from zero)."""
    return str(Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
