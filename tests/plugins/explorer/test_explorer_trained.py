"""plugins/explorer/trained.py: words to token ids, the exported trained model, the measured
roles, the page's numbers, and the export kept between builds until its code changes."""

from __future__ import annotations

import gzip
import json
import shutil
import sys

import numpy as np
import pytest

import plugins.explorer
from bench.budgets import BUDGETS
from lesson_code.learned import trained_model
from plugins.explorer import trained as tr
from plugins.explorer.plugin import ExplorerPlugin
from tests import support

ROOT = support.ROOT
EXPORT = tr.build_export()
TEXT = tr.export_trained(EXPORT)
SHIPPED = json.loads(TEXT)  # exactly what the browser gets


# -- words to tokens -------------------------------------------------------------------------
def reference_ids(words, vocab):
    """An independent statement of the rule: a word's id is the number of distinct words
    before its first occurrence, modulo the vocabulary."""
    out = []
    for i, word in enumerate(words):
        first = words.index(word)
        out.append(len(set(words[:first])) % vocab)
        assert first <= i
    return out


@pytest.mark.parametrize(
    ("words", "ids"),
    [
        (["the", "cat", "sat", "on", "the", "mat"], [0, 1, 2, 3, 0, 4]),
        ([], []),
        (["a", "a", "a"], [0, 0, 0]),
        (["x", "y", "x", "z", "y"], [0, 1, 0, 2, 1]),
    ],
)
def test_words_are_numbered_by_first_appearance(words, ids):
    assert tr.word_ids(words) == ids == reference_ids(words, 32)


def test_ids_wrap_after_the_vocabulary_and_stay_in_range():
    words = [f"w{i}" for i in range(40)] + ["w0", "w33", "w35"]
    ids = tr.word_ids(words)
    assert ids == reference_ids(words, tr.VOCAB)
    assert ids[32] == 0 and ids[33] == 1  # the 33rd new word gets 0 again
    assert ids[-3:] == [0, 1, 3]
    assert all(0 <= i < tr.VOCAB for i in ids)
    assert tr.word_ids(["a", "b", "c"], vocab_size=2) == [0, 1, 0]
    with pytest.raises(ValueError, match="vocab_size"):
        tr.word_ids(["a"], vocab_size=0)


def test_the_model_sees_at_most_its_context_of_words():
    words = [f"w{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(100)]  # letters only
    tokens = tr.model_tokens(" ".join(words))
    assert len(tokens) == tr.CONTEXT == trained_model().context
    assert tokens == words[: tr.CONTEXT]
    assert tr.model_tokens("The cat, the CAT!") == ["the", "cat", "the", "cat"]


# -- the export ------------------------------------------------------------------------------
def test_the_export_holds_every_projection_of_every_layer_rounded():
    model = trained_model()
    assert SHIPPED["n_layers"] == model.n_layers and SHIPPED["n_heads"] == model.n_heads
    assert np.shape(SHIPPED["embed"]) == model.params["embed"].shape
    assert np.shape(SHIPPED["position"]) == model.params["position"].shape
    assert "unembed" not in SHIPPED  # the explorer shows attention, not predictions
    for layer, matrices in enumerate(SHIPPED["layers"]):
        for name in ("w_q", "w_k", "w_v", "w_o"):
            shipped = np.array(matrices[name])
            full = model.params[f"{layer}.{name}"]
            assert np.abs(shipped - full).max() <= 0.5 * 10**-tr.DECIMALS + 1e-12
            assert np.array_equal(shipped, np.round(shipped, tr.DECIMALS))


def test_the_shipped_model_looks_where_the_trained_one_does():
    """Rounding to DECIMALS moves no weight by more than a thousandth."""
    rng = np.random.default_rng(3)
    shipped = tr.exported_model(SHIPPED)
    for n in (1, 13, 64):
        ids = rng.integers(0, tr.VOCAB, n)
        assert np.abs(shipped.attention(ids) - trained_model().attention(ids)).max() < 1e-3


def test_the_trained_json_fits_its_budget():
    budget = BUDGETS["explorer_trained"]
    assert len(gzip.compress(TEXT.encode(), 9)) <= budget.limit


# -- roles, measured ----------------------------------------------------------------------
def loop_scores(model, ids):
    """Previous-token and induction scores by explicit loops over sequences and queries."""
    half = ids.shape[1] // 2
    prev = np.zeros((model.n_layers, model.n_heads))
    ind = np.zeros_like(prev)
    count = 0
    for row in ids:
        weights = model.attention(row)
        for i in range(half, 2 * half):
            prev += weights[:, :, i, i - 1]
            ind += weights[:, :, i, i - half + 1]
            count += 1
    return prev / count, ind / count


def test_roles_follow_the_measured_scores():
    heads = SHIPPED["heads"]
    model = tr.exported_model(SHIPPED)
    model.settings = trained_model().settings
    prev, ind = loop_scores(model, tr.probe_sequences(model.settings))
    assert np.abs(np.array(heads["previous"]) - prev).max() <= 5e-4 + 1e-12
    assert np.abs(np.array(heads["induction"]) - ind).max() <= 5e-4 + 1e-12
    for layer, row in enumerate(heads["roles"]):
        for head, role in enumerate(row):
            p, i = prev[layer, head], ind[layer, head]
            expected = None if max(p, i) < tr.ROLE_MIN else ("previous" if p >= i else "induction")
            assert role == expected, (layer, head, p, i)
    # what lesson_code.learned recorded at the end of training agrees (to rounding)
    record = trained_model().history
    assert np.abs(record.previous[-1] - prev).max() < 0.01
    assert np.abs(record.induction[-1] - ind).max() < 0.01
    # the model has both kinds: otherwise the page's section on them would be about nothing
    roles = {r for row in heads["roles"] for r in row}
    assert {"previous", "induction"} <= roles


def test_describing_heads_groups_them_by_layer():
    assert tr.describe_heads([]) == "none"
    assert tr.describe_heads([(0, 2)]) == "head 3 of layer 1"
    assert tr.describe_heads([(1, 0), (1, 1), (1, 3)]) == "heads 1, 2 and 4 of layer 2"
    assert tr.describe_heads([(0, 0), (1, 1)]) == "head 1 of layer 1; head 2 of layer 2"
    assert [tr.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 33, 112)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "33rd", "112th"
    ]  # fmt: skip


def test_the_page_numbers_come_from_the_shipped_model():
    values = tr.documented_values(SHIPPED)
    run = tr.attention(tr.REPEAT_SENTENCE, SHIPPED)
    tokens, query = run["tokens"], tr.EXAMPLES[0][1]
    assert tokens[query] == values["trained_repeat_word"] == "cat"
    assert tokens.index("cat") < query  # the earlier "cat"
    target = tokens.index("cat") + 1
    assert tokens[target] == values["trained_repeat_target"]
    roles = SHIPPED["heads"]["roles"]
    induction = [run["weights"][lay, h, query, target] for lay, row in enumerate(roles)
                 for h, r in enumerate(row) if r == "induction"]  # fmt: skip
    assert values["trained_repeat_low"] == tr.two_decimals(min(induction))
    assert values["trained_repeat_high"] == tr.two_decimals(max(induction))
    assert values["trained_mapping_ids"] == "0 1 2 3 0 4"
    assert values["trained_wrap_word"] == "33rd" and values["trained_context"] == "64"


# -- kept between builds ------------------------------------------------------------------
@pytest.fixture()
def course_copy(tmp_path):
    """A project folder with its own copy of the course code the trained export imports."""
    shutil.copytree(
        ROOT / "lesson_code",
        tmp_path / "lesson_code",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return tmp_path


def test_the_trained_export_is_kept_until_the_learned_code_changes(course_copy, monkeypatch):
    plugin = ExplorerPlugin()
    plugin.load_config({"cache_dir": ".cache/explorer"})
    first = plugin._trained(course_copy)
    [entry] = (course_copy / ".cache" / "explorer" / "explorer-trained").glob("*.json")
    kept = json.loads(entry.read_text())
    assert kept == first and json.loads(first["trained_json"]) == SHIPPED
    kept["values"]["marker"] = "from the store"
    entry.write_text(json.dumps(kept))

    def warm():
        """A build that finds its entry: the export module and lesson_code.learned cannot
        even be imported (so nothing is trained or loaded)."""
        with monkeypatch.context() as m:
            m.delattr(plugins.explorer, "trained", raising=False)
            m.setitem(sys.modules, "plugins.explorer.trained", None)
            m.setitem(sys.modules, "lesson_code.learned", None)
            return plugin._trained(course_copy)

    assert warm()["values"]["marker"] == "from the store"
    learned = course_copy / "lesson_code" / "learned" / "train.py"
    learned.write_text(learned.read_text() + "\n# a comment changes no code\n")
    assert warm()["values"]["marker"] == "from the store"
    learned.write_text(learned.read_text() + "\nEDITED = True\n")
    with pytest.raises(ImportError):
        warm()  # the key changed: the export has to be made again
    assert "marker" not in plugin._trained(course_copy)["values"]
