"""plugins/explorer/model.py: tokens, hashing, the three heads, and the documented numbers."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from plugins.explorer import model as ex
from tests.support import ROOT

PARAMS = ex.build_params()
HEAD = {head_id: i for i, (head_id, _) in enumerate(ex.HEADS)}
PAGE = str(ROOT / "docs" / "playground" / "index.md")


def run(sentence):
    return ex.attention_weights(sentence, PARAMS)


# -- tokens, hash, generator -------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("The river-bank, 2024: muddy!", ["the", "river", "bank", "muddy"]),
        ("Don't STOP", ["don", "t", "stop"]),
        ("  ", []),
        ("x", ["x"]),
        ("Café NAÏVE Straße ΟΔΟΣ 日本語 🙂ok", ["café", "naïve", "straße", "οδος", "日本語", "ok"]),
        ("Cafe\u0301", ["café"]),  # decomposed accent is composed first (NFC)
        ("a_b c3d", ["a", "b", "c", "d"]),
    ],
)
def test_tokenize(text, tokens):
    assert ex.tokenize(text) == tokens


def test_tokenize_keeps_at_most_max_tokens():
    assert len(ex.tokenize("a " * (ex.MAX_TOKENS + 5))) == ex.MAX_TOKENS


def test_fnv1a32_matches_the_published_test_vectors():
    assert ex.fnv1a32("") == 0x811C9DC5
    assert ex.fnv1a32("a") == 0xE40C292C
    assert ex.fnv1a32("foobar") == 0xBF9CF968


def test_mulberry32_is_deterministic_and_in_range():
    first = [next(g) for g in [ex.mulberry32(42)] for _ in range(1000)]
    again = ex.mulberry32(42)
    assert first[:5] == [next(again) for _ in range(5)]
    assert all(0.0 <= v < 1.0 for v in first)
    assert 0.45 < sum(first) / len(first) < 0.55
    assert next(ex.mulberry32(43)) != first[0]
    assert all((v * 2**32).is_integer() for v in first)  # exact uint32 / 2**32


def test_unknown_words_get_a_fixed_length_deterministic_vector():
    length = PARAMS["unknown_length"]
    glorp = ex.unknown_sem("glorp", length)
    assert glorp == ex.unknown_sem("glorp", length)
    assert glorp != ex.unknown_sem("glorps", length)
    assert len(glorp) == ex.N_SEM
    assert math.isclose(math.sqrt(sum(v * v for v in glorp)), length, rel_tol=1e-12)


# -- the lexicon and the parameters ----------------------------------------------------
def test_every_corpus_and_example_word_has_a_class():
    words = {w for line in ex.CORPUS.strip().splitlines() for w in ex.tokenize(line)}
    words |= {w for text, _ in ex.EXAMPLES for w in ex.tokenize(text)}
    assert words <= set(ex.LEXICON), sorted(words - set(ex.LEXICON))
    assert ex.LEXICON["it"] == "pronoun" and ex.LEXICON["bank"] == "noun"
    assert ex.LEXICON["chased"] == "verb" and ex.LEXICON["muddy"] == "adjective"


def test_exported_numbers_are_rounded_and_round_trip_exactly():
    text = ex.export_params(PARAMS)
    loaded = json.loads(text)
    for head in loaded["heads"]:
        for name in ("w_q", "w_k", "w_v"):
            m = np.asarray(head[name], dtype=float)
            assert m.shape == (ex.D_MODEL, ex.D_K), (name, m.shape)
            assert np.array_equal(np.round(m, ex.DECIMALS), m)
    sentence = "The glorp would not fit into the suitcase because it was too big."
    a, b = ex.attention_weights(sentence, PARAMS), ex.attention_weights(sentence, loaded)
    assert np.array_equal(a["weights"], b["weights"])  # bit for bit: JSON is the model


def test_embedding_layout():
    x = ex.embed(["the", "bank", "glorp"], PARAMS)
    assert x.shape == (3, ex.D_MODEL)
    assert x[:, : len(ex.TAGS)].sum(axis=1).tolist() == [1.0, 1.0, 1.0]  # one class each
    assert x[0, ex.TAG_COL["determiner"]] == 1 and x[2, ex.TAG_COL["unknown"]] == 1
    sem = slice(ex.SEM_START, ex.SEM_START + ex.N_SEM)
    assert not x[0, sem].any()  # function words carry no meaning
    assert x[1, sem].tolist() == PARAMS["sem"]["bank"]
    assert x[2, sem].tolist() == ex.unknown_sem("glorp", PARAMS["unknown_length"])
    positions = x[:, ex.POS_START :]
    assert np.allclose(positions[0, 1::2], 1.0) and np.allclose(positions[0, 0::2], 0.0)


def test_forward_matches_an_independent_loop():
    r = run("The cat that chased the mouse was hungry.")
    x = ex.embed(r["tokens"], PARAMS)
    for h, head in enumerate(PARAMS["heads"]):
        q, k = x @ np.array(head["w_q"]), x @ np.array(head["w_k"])
        for i in range(len(x)):
            scores = [float(q[i] @ k[j]) / math.sqrt(ex.D_K) for j in range(len(x))]
            exps = [math.exp(s - max(scores)) for s in scores]
            expected = [e / sum(exps) for e in exps]
            assert np.allclose(r["weights"][h][i], expected, atol=1e-12)
    assert np.allclose(r["weights"].sum(axis=-1), 1.0)
    assert np.allclose(r["average"], r["weights"].mean(axis=0))


# -- each head does what it was built for ------------------------------------------------
def test_previous_token_head_looks_one_token_back():
    for text, _ in ex.EXAMPLES:
        w = run(text)["weights"][HEAD["previous"]]
        for i in range(1, len(w)):
            assert int(np.argmax(w[i])) == i - 1, (text, i)
            assert w[i, i - 1] > 0.8, (text, i, w[i, i - 1])
    long = run(ex.long_sentence(ex.MAX_TOKENS))["weights"][HEAD["previous"]]
    assert (np.argmax(long[1:], axis=1) == np.arange(ex.MAX_TOKENS - 1)).all()
    first = run(ex.EXAMPLES[0][0])["weights"][HEAD["previous"]][0]
    assert first[0] > 0.9  # the first token has no previous token: it looks at itself


def test_related_words_head_links_words_of_the_corpus():
    def top_other(sentence, query):
        r = run(sentence)
        tokens = r["tokens"]
        i = tokens.index(query)
        row = r["weights"][HEAD["related"]][i].copy()
        row[i] = 0
        return tokens[int(np.argmax(row))]

    assert top_other("The cat that chased the mouse was hungry.", "mouse") == "cat"
    assert top_other("She put the money from the loan in the bank by the river.", "bank") == "money"
    assert top_other(
        "The trophy would not fit into the suitcase because it was too big.", "trophy"
    ) in {"fit", "big"}
    w = run("The river bank was muddy after the rain.")["weights"][HEAD["related"]]
    assert np.allclose(w[0], 1 / 8)  # "the" has no meaning: a uniform row


def test_pronoun_and_verb_head_puts_most_weight_on_nouns():
    for text, query in [
        ("The trophy would not fit into the suitcase because it was too big.", "it"),
        ("The cat that chased the mouse was hungry.", "chased"),
        ("The cat that chased the mouse was hungry.", "was"),
        ("She put the money from the loan in the bank by the river.", "she"),
    ]:
        r = run(text)
        tokens, w = r["tokens"], r["weights"][HEAD["nouns"]]
        i = tokens.index(query)
        nouns = [j for j, t in enumerate(tokens) if ex.LEXICON.get(t) == "noun"]
        assert w[i, nouns].sum() > 0.8, (text, query, w[i, nouns].sum())
        assert ex.LEXICON[tokens[int(np.argmax(w[i]))]] == "noun"


def test_pronoun_head_cannot_tell_big_from_small():
    big = run("The trophy would not fit into the suitcase because it was too big.")
    small = run("The trophy would not fit into the suitcase because it was too small.")
    i = big["tokens"].index("it")
    h = HEAD["nouns"]
    assert np.allclose(big["weights"][h][i], small["weights"][h][i], atol=1e-3)


# -- the numbers quoted on the playground page -------------------------------------------
def test_documented_values_match_the_page_placeholders():
    from plugins.explorer import trained  # the page quotes the trained model too

    values = ex.documented_values(PARAMS)
    both = set(values) | set(trained.documented_values(trained.build_export()))
    with open(PAGE, encoding="utf-8") as handle:
        page = handle.read()
    used = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", page))
    assert used == both, (sorted(used - both), sorted(both - used))
    assert values["prev_hit_share"] == "100 %"
    assert values["nouns_big_small_diff"] == "0.00"
    assert float(values["nouns_it_suitcase"]) > float(values["nouns_it_trophy"])
    assert float(values["nouns_was_mouse"]) > float(values["nouns_was_cat"])  # the failure
    assert float(values["rel_bank_self"]) > float(values["rel_bank_river"])


def test_try_it_buttons_point_at_the_words_the_page_discusses():
    with open(PAGE, encoding="utf-8") as handle:
        page = handle.read()
    buttons = re.findall(r'data-explorer-load="([^"]+)" data-explorer-query="(\d+)"', page)
    expected = {
        "river": "bank",
        "money": "bank",
        "trophy": "it",
        "glorp": "muddy",
        "hungry": "was",
        "wug": "chased",
    }
    assert len(buttons) == 7  # six on the page, one in the embedding instructions
    for sentence, query in buttons:
        tokens = ex.tokenize(sentence)
        key = next(k for k in expected if k in tokens)
        assert tokens[int(query)] == expected[key], (sentence, query)


@pytest.mark.parametrize(
    ("x", "text"),
    [(0.125, "0.13"), (0.124999, "0.12"), (1.0, "1.00"), (0.0, "0.00"), (0.995, "0.99")],
)
def test_two_decimals_rounds_like_javascript_to_fixed(x, text):
    assert ex.two_decimals(x) == text  # 0.995 is 0.99499999... in binary, as in JS
