# %% [markdown]
# # Lesson 5: embed a five-token sentence
#
# A tiny vocabulary, an embedding matrix with one row per word, and a lookup that turns
# the sentence "the hungry cat ate fish" into the matrix X that lessons 6 to 8 use.
# The numbers live in `lesson_code/topics/running_example.py`, so every later lesson
# reuses the same X.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.plotting import heatmap
from lesson_code.topics.running_example import (
    D_MODEL,
    EMBEDDINGS,
    FEATURES,
    TOKENS,
    VOCAB,
    X,
    embed,
    token_ids,
)

report.style()
np.set_printoptions(precision=2, suppress=True)

# %% [markdown]
# ## Words become row numbers
# The vocabulary is a fixed list; a word's position in it is its token id.

# %%
with report.output("ids"):
    # --8<-- [start:ids]
    print("vocabulary:", " ".join(VOCAB))
    print("sentence:  ", " ".join(TOKENS))
    ids = token_ids(TOKENS)
    print("token ids: ", ids)
    # --8<-- [end:ids]
assert len(TOKENS) == 5, f"the example sentence has five tokens, got {len(TOKENS)}"
assert len(VOCAB) == 10 and D_MODEL == 8, "the page describes 10 words and 8 features"
assert [VOCAB[i] for i in ids] == list(TOKENS), "ids must point back at the sentence's words"
report.value("n_vocab", len(VOCAB), "d")
report.value("n_tokens", len(TOKENS), "d")
report.value("d_model", D_MODEL, "d")
report.value("id_cat", ids[TOKENS.index("cat")], "d")
report.value("id_fish", ids[TOKENS.index("fish")], "d")

# %% [markdown]
# ## The embedding matrix
# One row per vocabulary word, one column per feature.

# %%
with report.output("matrix"):
    # --8<-- [start:matrix]
    print("EMBEDDINGS shape:", EMBEDDINGS.shape)  # (vocabulary size, d_model)
    print("features:", FEATURES)
    print("row for 'cat':  ", EMBEDDINGS[VOCAB.index("cat")])
    # --8<-- [end:matrix]
assert EMBEDDINGS.shape == (len(VOCAB), D_MODEL), "the embedding matrix is (vocabulary, d_model)"
cat_row = EMBEDDINGS[VOCAB.index("cat")]
report.value("cat_noun", cat_row[FEATURES.index("noun")], ".1f")
report.value("cat_animate", cat_row[FEATURES.index("animate")], ".1f")
report.value("cat_edible", cat_row[FEATURES.index("edible")], ".1f")
report.value("n_params", EMBEDDINGS.size, "d")

# %%
# Figure: the whole embedding matrix, with the sentence's words marked.
fig, ax = plt.subplots(figsize=(5.2, 4.8))
row_labels = [f"{w}  ▶" if w in TOKENS else w for w in VOCAB]
heatmap(ax, EMBEDDINGS, row_labels, FEATURES, fmt=".1f", colorbar_label="feature value")
ax.set_ylabel("vocabulary word (row = token id)")
ax.set_title("Embedding matrix: 10 words × 8 features", pad=12, fontsize=11)
report.figure(
    fig,
    "embedding_matrix",
    alt=(
        "Heatmap of the 10 by 8 embedding matrix. Rows are the vocabulary words the, a, "
        "hungry, small, cat, dog, fish, ate, saw, slept; columns are the features "
        "determiner, noun, verb, adjective, animate, edible, hunger and past. Each row is "
        "bright only in the few features that describe that word: cat and dog light up "
        "noun and animate, fish lights up noun and edible, the verbs light up verb and past. "
        "The five words of the sentence are marked with an arrow."
    ),
    caption=(
        "Each vocabulary word owns one row. The arrows mark the five words of "
        "“the hungry cat ate fish”."
    ),
)

# %% [markdown]
# ## Looking up the sentence
# Embedding a sentence means picking one row per token, in order.

# %%
with report.output("lookup"):
    # --8<-- [start:lookup]
    X = embed(TOKENS)  # one row of EMBEDDINGS per token
    print("X shape:", X.shape)  # (number of tokens, d_model)
    for token, row in zip(TOKENS, X, strict=True):
        print(f"{token:>7}: {row}")
    # --8<-- [end:lookup]
assert X.shape == (5, D_MODEL), f"X must be (5, d_model) = (5, {D_MODEL}), got {X.shape}"
for i, token in enumerate(TOKENS):
    assert np.array_equal(X[i], EMBEDDINGS[VOCAB.index(token)]), f"row {i} must be {token}'s row"

# %%
# Figure: X, the embedded sentence.
fig, ax = plt.subplots(figsize=(5.2, 3.0))
heatmap(ax, X, list(TOKENS), FEATURES, fmt=".1f", colorbar_label="feature value")
ax.set_ylabel("token (row of X)")
ax.set_title("X: 5 tokens × 8 features", pad=12, fontsize=11)
report.figure(
    fig,
    "sentence_x",
    alt=(
        "Heatmap of X, a 5 by 8 matrix: rows are the tokens the, hungry, cat, ate, fish "
        "in sentence order, columns are the eight features. Each row is a copy of that "
        "word's row of the embedding matrix."
    ),
    caption="X keeps the sentence order: row i is the embedding of token i.",
)

# %% [markdown]
# ## A lookup is a multiplication by one-hot rows
# Writing each token as a one-hot row (all zeros except a 1 at its id) and multiplying by
# the embedding matrix picks out exactly the same rows.

# %%
with report.output("onehot"):
    # --8<-- [start:onehot]
    one_hot = np.eye(len(VOCAB))[ids]  # (5, vocabulary size)
    print("one-hot row for 'cat':", one_hot[TOKENS.index("cat")])
    print("one_hot @ EMBEDDINGS shape:", (one_hot @ EMBEDDINGS).shape)
    print("equal to X:", np.array_equal(one_hot @ EMBEDDINGS, X))
    # --8<-- [end:onehot]
assert np.array_equal(one_hot @ EMBEDDINGS, X), "one-hot times the matrix must equal the lookup"
assert one_hot.shape == (5, len(VOCAB)), "one one-hot row per token, one column per word"

# %% [markdown]
# ## The same word always gets the same row
# An embedding is a lookup: it knows the word, not its neighbours or its position.

# %%
with report.output("context"):
    # --8<-- [start:context]
    other = ("the", "dog", "saw", "the", "cat")
    X_other = embed(other)
    print("'cat' in both sentences equal:", np.array_equal(X_other[4], X[2]))
    print("the two 'the' rows equal:     ", np.array_equal(X_other[0], X_other[3]))
    # --8<-- [end:context]
assert np.array_equal(X_other[4], X[TOKENS.index("cat")]), "a word's row ignores its context"
assert np.array_equal(X_other[0], X_other[3]), "a repeated word gets identical rows"

# %% [markdown]
# ## Dot products between embeddings
# Lesson 3's dot product already says which words are alike in this hand-made space.

# %%
with report.output("similar"):
    # --8<-- [start:similar]
    def row(word):
        return EMBEDDINGS[VOCAB.index(word)]

    for a, b in [("cat", "dog"), ("cat", "fish"), ("cat", "ate")]:
        print(f"{a} · {b} = {row(a) @ row(b):.2f}")
    # --8<-- [end:similar]
cat_dog, cat_fish, cat_ate = (row("cat") @ row(b) for b in ("dog", "fish", "ate"))
assert cat_dog > cat_fish > cat_ate, "cat should be closest to dog, then fish, then ate"
report.value("cat_dog", cat_dog, ".2f")
report.value("cat_fish", cat_fish, ".2f")
report.value("cat_ate", cat_ate, ".2f")
