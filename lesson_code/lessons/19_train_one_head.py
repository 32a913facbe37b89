# %% [markdown]
# # Lesson 19: train one head
#
# One attention head, three projection matrices and nothing else, learns to predict the
# previous token with a plain numpy training loop. Every gradient is computed by hand:
# the softmax cross-entropy, then `scaled_dot_product_attention_backward`, then the
# projections. The helpers live in `lesson_code/topics/train_head.py`.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import causal_mask, masked_softmax
from lesson_code.plotting import heatmap
from lesson_code.topics.train_head import (
    D_K,
    LESSON_LR,
    LESSON_STEPS,
    LETTERS,
    N_POSITIONS,
    N_TRAIN,
    SNAPSHOT_EVERY,
    TRAIN_SEED,
    VOCAB,
    accuracy,
    attention_scores,
    cross_entropy,
    encode,
    forward,
    init_params,
    lesson_data,
    loss_and_gradients,
    make_sequences,
    max_relative_error,
    numeric_gradients,
    position_block,
    query_key_matrix,
    token_labels,
    train,
    uniform_weight_on_previous,
    weight_on_previous,
)

report.style()

# %% [markdown]
# ## The task: predict the previous token

# %%
with report.output("data"):
    # --8<-- [start:data]
    x_train, y_train, x_test, y_test, test_tokens = lesson_data()
    print("training inputs:", x_train.shape, " test inputs:", x_test.shape)
    example = test_tokens[0]  # (8,) token ids of one test sequence
    print("sequence:", " ".join(token_labels(example)))
    print("targets: ", " ".join("·" if t < 0 else LETTERS[t] for t in y_test[0]))
    print("x[2] =", x_test[0, 2].astype(int), " (token part | position part)")
    # --8<-- [end:data]
assert x_train.shape == (128, N_POSITIONS, VOCAB + N_POSITIONS), x_train.shape
assert np.all(y_test[:, 1:] == test_tokens[:, :-1]), "targets are the previous tokens"
report.value("n_train", len(x_train), "d")
report.value("n_test", len(x_test), "d")
report.value("vocab", VOCAB, "d")
report.value("n_pos", N_POSITIONS, "d")
report.value("d_model", VOCAB + N_POSITIONS, "d")
report.value("d_k", D_K, "d")
report.value("ln_vocab", np.log(VOCAB), ".3f")
report.value("chance", 1 / VOCAB, ".1%")

# %% [markdown]
# ## Before training: a random head

# %%
with report.output("before"):
    # --8<-- [start:before]
    params = init_params()  # W_Q, W_K: (16, 8), W_V: (16, 8), random, seed 19
    start = forward(params, x_test)
    print(f"loss {cross_entropy(start['logits'], y_test):.3f}  (ln 8 = {np.log(8):.3f})")
    print(f"accuracy {accuracy(start['logits'], y_test):.1%}")
    print(f"weight on the previous position {weight_on_previous(start['weights']):.3f}")
    # --8<-- [end:before]
loss_before = cross_entropy(start["logits"], y_test)
acc_before = accuracy(start["logits"], y_test)
prev_before = weight_on_previous(start["weights"])
uniform_prev = uniform_weight_on_previous()
assert abs(loss_before - np.log(VOCAB)) < 0.05, f"a random head is near ln 8, got {loss_before}"
assert acc_before < 0.4, f"a random head is far from solving the task: {acc_before}"
report.value("loss_before", loss_before, ".3f")
report.value("acc_before", acc_before, ".1%")
report.value("prev_before", prev_before, ".2f")
report.value("uniform_prev", uniform_prev, ".2f")

# %% [markdown]
# ## Check the hand-derived gradients against finite differences

# %%
with report.output("gradcheck"):
    # --8<-- [start:gradcheck]
    small_x, small_y = x_train[:4], y_train[:4]  # 4 sequences are enough for a check
    _, by_hand = loss_and_gradients(params, small_x, small_y)
    by_differences = numeric_gradients(params, small_x, small_y)  # 384 entries, 2 losses each
    error = max_relative_error(by_hand, by_differences)
    print(f"largest difference, relative to the largest gradient: {error:.1e}")
    # --8<-- [end:gradcheck]
assert error < 1e-6, f"hand gradients disagree with finite differences: {error}"
report.value("grad_error", error, ".0e")
report.value("n_params", sum(p.size for p in params.values()), "d")

# %% [markdown]
# ## Train with plain gradient descent

# %%
with report.output("train"):
    # --8<-- [start:train]
    began = time.perf_counter()
    run = train(params, x_train, y_train, lr=LESSON_LR, steps=LESSON_STEPS, snapshot_every=5)
    seconds = time.perf_counter() - began
    for step in (0, 25, 50, 75, 100, 150, 200):
        print(f"step {step:>3}: training loss {run.losses[step]:.3f}")
    end = forward(run.params, x_test)  # new sequences, never trained on
    print(f"test loss {cross_entropy(end['logits'], y_test):.3f}")
    print(f"test accuracy {accuracy(end['logits'], y_test):.1%}")
    print(f"weight on the previous position {weight_on_previous(end['weights']):.3f}")
    # --8<-- [end:train]
loss_after = cross_entropy(end["logits"], y_test)
acc_after = accuracy(end["logits"], y_test)
prev_after = weight_on_previous(end["weights"])
assert SNAPSHOT_EVERY == 5, "the snapshot interval shown in the code"
assert np.all(np.isfinite(run.losses)), "the lesson's run must not diverge"
assert run.losses[-1] < 0.05 and loss_after < 0.05, (run.losses[-1], loss_after)
assert acc_after > 0.99, f"the trained head should solve the test set, got {acc_after}"
assert prev_after > 3 * uniform_prev, f"weight on previous {prev_after} vs uniform {uniform_prev}"
plateau = int(np.argmax(run.losses < 0.9 * run.losses[0]))  # first step 10% below the start
drop = int(np.argmax(run.losses < 0.1))
assert 10 < plateau < drop < 150, (plateau, drop)
report.value("lr", LESSON_LR, "g")
report.value("steps", LESSON_STEPS, "d")
report.value("seconds", seconds, ".2f")
report.value("loss_after", loss_after, ".3f")
report.value("train_loss_after", run.losses[-1], ".3f")
report.value("acc_after", acc_after, ".1%")
report.value("prev_after", prev_after, ".3f")
report.value("prev_ratio", prev_after / uniform_prev, ".1f")
report.value("plateau_step", plateau, "d")
report.value("drop_step", drop, "d")

# %%
fig, ax = plt.subplots(figsize=(6.0, 3.2), layout="constrained")
ax.plot(np.arange(LESSON_STEPS + 1), run.losses, color=report.PALETTE[0], linewidth=2)
ax.axhline(np.log(VOCAB), color=report.FG_LIGHT, linestyle="--", linewidth=1)
ax.text(LESSON_STEPS, np.log(VOCAB) + 0.06, "ln 8: a uniform guess", ha="right", va="bottom")
ax.set_xlabel("training step")
ax.set_ylabel("training loss")
ax.set_ylim(0, 2.4)
ax.grid(True, linewidth=0.6)
report.figure(
    fig,
    "loss_curve",
    alt=(
        f"Line chart of the training loss over {LESSON_STEPS} steps. It starts at "
        f"{run.losses[0]:.2f}, on the dashed line at ln 8, stays almost flat for the first "
        f"{plateau} steps, falls steeply until about step {drop}, and ends near "
        f"{run.losses[-1]:.2f}."
    ),
    caption="A plateau near ln 8, a sudden drop, then a slow approach to zero.",
)

# %% [markdown]
# ## Where the head looks, before and after

# %%
labels = [f"{t} {i}" for i, t in enumerate(token_labels(example))]
before_weights, after_weights = start["weights"][0], end["weights"][0]  # (8, 8) each
upper = ~causal_mask(N_POSITIONS)
fig, axes = plt.subplots(1, 2, figsize=(9.0, 4.4), layout="constrained")
for ax, weights, title in (
    (axes[0], before_weights, "before training"),
    (axes[1], after_weights, f"after {LESSON_STEPS} steps"),
):
    shown = np.where(upper, np.nan, weights)  # masked keys: left blank
    heatmap(ax, shown, labels, labels, fmt=".2f", vmin=0, vmax=1, fontsize=9, colorbar_label=None)
    for text in ax.texts:
        if text.get_text() == "nan":
            text.set_text("")
    ax.set_title(title, pad=30)
    ax.set_ylabel("query (token, position)")
rows = np.arange(1, N_POSITIONS)
report.figure(
    fig,
    "patterns",
    alt=(
        "Two heatmaps of attention weights on one test sequence, "
        f"{' '.join(token_labels(example))}, rows are queries and columns keys, with "
        "zeros above the diagonal from the causal mask. Before training the weights are "
        "spread over every earlier position. After training each row has one bright cell, "
        "just left of the diagonal: the previous position, with weights from "
        f"{after_weights[rows, rows - 1].min():.2f} to {after_weights[rows, rows - 1].max():.2f}."
    ),
    caption="The same test sequence before and after training: a band just below the diagonal.",
)
report.value("example", " ".join(token_labels(example)), "")
# The prose points at the repeated G and H of the example: each row still looks one back.
letters = token_labels(example)
assert letters[2] == letters[6] == "G" and letters[3] == letters[7] == "H", letters
assert after_weights[6, 2] < 0.05 and after_weights[7, 3] < 0.05, "never at the twin"

# %% [markdown]
# ## Who looks for whom: the matrix W_Q W_Kᵀ

# %%
with report.output("qk_blocks"):
    # --8<-- [start:qk_blocks]
    m = query_key_matrix(run.params)  # (16, 16): features of a query x features of a key
    tok, pos = slice(0, VOCAB), slice(VOCAB, None)
    for name, block in (
        ("token -> token", m[tok, tok]),
        ("token -> position", m[tok, pos]),
        ("position -> token", m[pos, tok]),
        ("position -> position", m[pos, pos]),
    ):
        print(f"{name:<21} largest |entry| {np.abs(block).max():5.1f}")
    band = np.diag(m[pos, pos], k=-1)  # entry (i, i - 1): position i looks for i - 1
    print("band (i, i-1):", band.round(1))
    # --8<-- [end:qk_blocks]
token_blocks = max(np.abs(m[tok, tok]).max(), np.abs(m[tok, pos]).max(), np.abs(m[pos, tok]).max())
assert np.median(band) > 4 * token_blocks, "the position band dominates the other blocks"
pos_after = position_block(run.params)
for i in range(1, N_POSITIONS):  # in every allowed row, the band is the largest entry
    assert np.argmax(pos_after[i, : i + 1]) == i - 1, f"row {i} of the position block"
report.value("band_min", band.min(), ".1f")
report.value("band_max", band.max(), ".1f")
report.value("token_blocks", token_blocks, ".1f")
report.value("diag_mean", np.diag(pos_after)[1:].mean(), ".1f")
report.value("init_max", np.abs(position_block(params)).max(), ".1f")
w_v_tokens = run.params["w_v"][:VOCAB]  # (8, 8): token bit -> logits
copy_diag = np.diag(w_v_tokens)
assert copy_diag.min() > 3 * np.abs(w_v_tokens - np.diag(copy_diag)).max(), "W_V copies"
report.value("copy_min", copy_diag.min(), ".1f")

# %% [markdown]
# ## Without the position part of the input (for "check yourself")

# %%
blind_x_train = encode(make_sequences(N_TRAIN, seed=TRAIN_SEED), positions=False)
blind_x_test = encode(test_tokens, positions=False)
blind = train(params, blind_x_train, y_train, lr=LESSON_LR, steps=LESSON_STEPS).params
blind_logits = forward(blind, blind_x_test)["logits"]
blind_acc, blind_loss = accuracy(blind_logits, y_test), cross_entropy(blind_logits, y_test)
assert 0.3 < blind_acc < 0.7 and blind_loss > 1.0, (blind_acc, blind_loss)
report.value("blind_acc", blind_acc, ".0%")
report.value("blind_loss", blind_loss, ".2f")

# %%
pos_labels = [str(i) for i in range(N_POSITIONS)]
fig, axes = plt.subplots(1, 2, figsize=(9.0, 4.4), layout="constrained")
for ax, block, title in (
    (axes[0], position_block(params), "before training"),
    (axes[1], pos_after, f"after {LESSON_STEPS} steps"),
):
    shown = np.where(upper, np.nan, block)  # keys after the query are masked: never used
    limit = np.abs(pos_after).max()
    heatmap(ax, shown, pos_labels, pos_labels, fmt=".1f", cmap="RdBu_r", vmin=-limit, vmax=limit)
    for text in ax.texts:  # blank the masked cells; "-0.0" is just 0.0
        text.set_text({"nan": "", "-0.0": "0.0"}.get(text.get_text(), text.get_text()))
    ax.set_title(title, pad=22)
    ax.set_xlabel("key position")
    ax.set_ylabel("query position")
report.figure(
    fig,
    "qk_positions",
    alt=(
        "Two heatmaps of the position block of W_Q W_K transposed, query position in rows, "
        "key position in columns, the masked upper triangle left blank. Before training "
        f"every entry is small (at most {np.abs(position_block(params)).max():.1f} in size). "
        "After training the cells just below the diagonal, query i and key i minus 1, are "
        f"large and positive ({band.min():.0f} to {band.max():.0f}); the diagonal itself is "
        "negative."
    ),
    caption="Read row i: the key position that query position i looks for. Red is a high score.",
)

# %% [markdown]
# ## The training step slider (widget data)

# %%
steps = sorted(run.snapshots)
snapshot_scores, snapshot_acc = [], []
for step in steps:
    snap = run.snapshots[step]
    snapshot_scores.append(attention_scores(snap, x_test[:1])[0])  # (8, 8) the example's
    snapshot_acc.append(accuracy(forward(snap, x_test)["logits"], y_test))
shown_weights = masked_softmax(snapshot_scores[-1], causal_mask(N_POSITIONS))
assert np.allclose(shown_weights, after_weights), "the last snapshot is the trained head"
report.widget(
    "training_steps",
    "train-step",
    {
        "tokens": labels,
        "steps": steps,
        "scores": np.array(snapshot_scores),
        "loss": [float(run.losses[s]) for s in steps],
        "accuracy": snapshot_acc,
        "ln_vocab": float(np.log(VOCAB)),
        "start": 0,
    },
    label="Training step slider",
    caption=(
        "Drag the slider (or use the arrow keys) to watch the head on the test sequence at "
        "each saved step: its weights, the training loss and the test accuracy."
    ),
)

# %% [markdown]
# ## What the learning rate does

# %%
with report.output("learning_rates"):
    # --8<-- [start:learning_rates]
    rates = (0.1, 1.0, 10.0, 100.0, 300.0)
    curves = {}
    print("    lr   loss after 200 steps   highest loss on the way")
    for lr in rates:
        curves[lr] = train(params, x_train, y_train, lr=lr, steps=LESSON_STEPS).losses
        print(f"{lr:6g} {curves[lr][-1]:22.4f} {curves[lr].max():25.2f}")
    # --8<-- [end:learning_rates]
slow, fast, blown = curves[0.1], curves[100.0], curves[300.0]
assert slow[-1] > 1.5, f"lr 0.1 is still far from solved after 200 steps: {slow[-1]}"
assert curves[10.0][-1] < run.losses[-1], "a larger (stable) rate gets lower in 200 steps"
assert fast.max() > slow[0] and fast[-1] < 0.05, "lr 100 jumps up once, then still converges"
assert blown[-1] > 5 * slow[0], f"lr 300 diverges: {blown[-1]}"
for name, lr in zip(("lr_slow", "lr_ok", "lr_good", "lr_edge", "lr_blown"), rates, strict=True):
    report.value(name, lr, "g")
report.value("slow_loss", slow[-1], ".2f")
report.value("lr10_loss", curves[10.0][-1], ".3f")
report.value("fast_peak", fast.max(), ".2f")
report.value("fast_loss", fast[-1], ".4f")
report.value("blown_loss", blown[-1], ".1f")
report.value("blown_peak", blown.max(), ".0f")

# %%
fig, ax = plt.subplots(figsize=(6.0, 3.4), layout="constrained")
for i, lr in enumerate(rates):  # each curve labelled at its end, where they are far apart
    ax.plot(curves[lr], color=report.PALETTE[i], linewidth=1.8)
    ax.text(LESSON_STEPS + 4, curves[lr][-1], f"lr {lr:g}", color=report.PALETTE[i], va="center")
ax.set_xlim(0, LESSON_STEPS * 1.22)
ax.set_yscale("log")
ax.set_xlabel("training step")
ax.set_ylabel("training loss (log scale)")
ax.grid(True, linewidth=0.6)
report.figure(
    fig,
    "learning_rates",
    alt=(
        "Training loss on a log scale for five learning rates. At 0.1 the curve barely "
        f"leaves ln 8 and ends at {slow[-1]:.2f}. At 1 and 10 it falls after a plateau, the "
        f"faster the larger the rate. At 100 it first jumps to {fast.max():.1f}, then falls "
        f"lowest of all. At 300 it jumps to about {blown.max():.0f} and stays high, ending at "
        f"{blown[-1]:.1f}."
    ),
    caption="Too small is slow; larger is faster until steps overshoot; too large never recovers.",
)
