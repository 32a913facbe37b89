# %% [markdown]
# # Lesson 20: induction heads, in a model trained while the site was built
#
# `lesson_code.learned` trains a two-layer, attention-only transformer on abstract tokens
# whose sequences repeat stretches of themselves. Training runs once (about a minute of
# CPU) and the weights are kept; this script loads them, shows how the loss fell, finds the
# previous-token head and the induction heads by measuring them, takes heads out to see
# what breaks, and looks at the heads that do something messier.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.learned import (
    Settings,
    best_head,
    copying_accuracy,
    head_scores,
    repeated_sequences,
    trained_model,
    uniform_weight,
)
from lesson_code.learned.measure import first_step_above, uniform_loss
from lesson_code.plotting import heatmap

report.style()

# %% [markdown]
# ## The model and its training

# %%
with report.output("model"):
    # --8<-- [start:model]
    model = trained_model()  # kept weights, or train now (about a minute)
    s = model.settings
    print(f"{model.n_layers} layers x {model.n_heads} heads, d_model {model.d_model}")
    print(f"{model.vocab_size} tokens, {model.context} positions")
    print(f"{s.steps} steps of {s.batch_size} x {s.window} tokens")
    print(f"loss, first 50 steps: {model.history.loss[:50].mean():.2f} nats")
    print(f"loss, last 50 steps:  {model.history.loss[-50:].mean():.2f} nats")
    # --8<-- [end:model]
assert isinstance(s, Settings) and model.n_layers == 2 and model.n_heads == 4
guess = uniform_loss(model.vocab_size)
start_loss, end_loss = model.history.loss[:50].mean(), model.history.loss[-50:].mean()
assert abs(start_loss - guess) < 0.2, "an untrained model should be close to guessing"
assert end_loss < start_loss - 0.5, "training should lower the loss"
report.value("vocab", model.vocab_size, "d")
report.value("n_layers", model.n_layers, "d")
report.value("n_heads", model.n_heads, "d")
report.value("record_every", s.record_every, "d")
report.value("steps", s.steps, "d")
report.value("window", s.window, "d")
report.value("guess_loss", guess, ".2f")
report.value("start_loss", start_loss, ".2f")
report.value("end_loss", end_loss, ".2f")
report.value("train_seconds", model.history.seconds, ".0f")

# %% [markdown]
# ## Measuring every head on sequences written twice

# %%
with report.output("scores"):
    # --8<-- [start:scores]
    rng = np.random.default_rng(2026)
    ids = repeated_sequences(rng, 64, 16, model.vocab_size)  # 64 sequences, 16 tokens twice
    previous, induction = head_scores(model, ids)  # each (layers, heads)
    print("mean weight on:   previous  induction")
    for layer in range(model.n_layers):
        for head in range(model.n_heads):
            print(
                f"layer {layer + 1} head {head + 1}"
                f"{previous[layer, head]:12.2f}{induction[layer, head]:11.2f}"
            )
    print(f"uniform: about {uniform_weight(ids):.3f}")
    # --8<-- [end:scores]
prev_head, ind_head = best_head(previous), best_head(induction)
assert prev_head[0] == 0 and previous[prev_head] > 0.9, "a previous-token head in layer 1"
assert ind_head[0] == 1 and induction[ind_head] > 0.5, "an induction head in layer 2"
inductive = [(1, h) for h in range(model.n_heads) if induction[1, h] > 0.3]
assert len(inductive) >= 2, "the lesson says several heads of layer 2 do induction"
others = [(0, h) for h in range(model.n_heads) if (0, h) != prev_head]
report.value("prev_layer", prev_head[0] + 1, "d")
report.value("prev_head", prev_head[1] + 1, "d")
report.value("prev_score", previous[prev_head], ".2f")
report.value("ind_layer", ind_head[0] + 1, "d")
report.value("ind_head", ind_head[1] + 1, "d")
report.value("ind_score", induction[ind_head], ".2f")
report.value("ind_count", len(inductive), "d")
report.value("ind_low", min(induction[h] for h in inductive), ".2f")
report.value("uniform", uniform_weight(ids), ".3f")
report.value("probe_half", ids.shape[1] // 2, "d")
report.value("other_count", len(others), "d")
report.value("prev_ratio", previous[prev_head] / uniform_weight(ids), ".0f")
report.value("ind_ratio", induction[ind_head] / uniform_weight(ids), ".0f")
report.value("other_prev_max", max(previous[h] for h in others), ".2f")

# %% [markdown]
# ## When the heads formed: the loss and the scores during training

# %%
history = model.history
formed = first_step_above(history.measured, history.induction.max(axis=(1, 2)), 0.3)
prev_formed = first_step_above(history.measured, history.previous.max(axis=(1, 2)), 0.3)
window = 50
smooth = np.convolve(history.loss, np.ones(window) / window, mode="valid")
steps = np.arange(window, len(history.loss) + 1)
before = history.loss[max(formed - 300, 0) : max(formed - 100, 1)].mean()
after = history.loss[formed + 100 : formed + 300].mean()
assert before - after > 0.2, "the loss should drop when the heads form"
report.value("formed", formed, "d")
report.value("prev_formed", prev_formed, "d")
report.value("loss_before", before, ".2f")
report.value("loss_after", after, ".2f")

fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.0, 5.0), sharex=True, layout="constrained")
top.plot(steps, smooth, color="C0")
top.axhline(guess, color="0.5", linestyle="--", linewidth=1)
top.text(steps[-1], guess + 0.05, "guessing", ha="right", va="bottom", fontsize=11)
top.set_ylabel("loss (nats)")
top.set_title("Training loss, mean of 50 steps", fontsize=12)
bottom.plot(history.measured, history.previous.max(axis=(1, 2)), label="previous-token")
bottom.plot(history.measured, history.induction.max(axis=(1, 2)), label="induction")
bottom.set_ylim(0, 1)
bottom.set_ylabel("best head's weight")
bottom.set_xlabel("training step")
bottom.legend(fontsize=11, loc="center right")
for ax in (top, bottom):
    ax.axvline(formed, color="0.5", linewidth=1)
report.figure(
    fig,
    "training",
    alt=(
        f"Two charts sharing a training-step axis from 0 to {s.steps}. Top: the training loss "
        f"stays near the guessing level of {guess:.2f} nats, then falls to about "
        f"{end_loss:.2f} around step {formed}. Bottom: the best previous-token head's weight "
        f"and the best induction head's weight stay near zero, then rise around the same "
        f"step to about {previous[prev_head]:.2f} and {induction[ind_head]:.2f}."
    ),
    caption="The loss falls when the two kinds of head appear (grey line: step "
    f"{formed}, where the best induction score first passes 0.3).",
)

# %% [markdown]
# ## The two heads on one repeated sequence

# %%
with report.output("one_sequence"):
    # --8<-- [start:one_sequence]
    tokens = repeated_sequences(np.random.default_rng(7), 1, 6, model.vocab_size)[0]
    pattern = model.attention(tokens)  # (layers, heads, 12, 12)
    print("tokens:", " ".join(str(t) for t in tokens))
    query = 9  # the fourth token of the second copy
    for name, (layer, head) in (("previous-token", prev_head), ("induction", ind_head)):
        row = pattern[layer, head, query]
        top_key = int(np.argmax(row))
        print(f"{name} head, query {query} (token {tokens[query]}):")
        print(f"  most at {top_key} (token {tokens[top_key]}), {row[top_key]:.2f}")
    # --8<-- [end:one_sequence]
assert np.argmax(pattern[prev_head][query]) == query - 1
assert np.argmax(pattern[ind_head][query]) == query - 6 + 1
report.value("query_pos", query, "d")
report.value("short_half", len(tokens) // 2, "d")
report.value("query_token", tokens[query], "d")
report.value("next_token", tokens[query + 1], "d")
report.value("earlier_pos", query - 6, "d")

labels = [str(t) for t in tokens]


def pattern_maps(heads, titles, figsize):
    """One heatmap per (layer, head) of its pattern on ``tokens``, queries in rows."""
    fig, axes = plt.subplots(1, len(heads), figsize=figsize, layout="constrained")
    for ax, (layer, head), title in zip(axes, heads, titles, strict=True):
        heatmap(
            ax,
            pattern[layer, head],
            labels,
            labels,
            annotate=False,
            vmin=0,
            vmax=1,
            colorbar_label=None,
        )
        ax.set_title(f"{title}layer {layer + 1}, head {head + 1}", fontsize=12, pad=28)
    return fig


fig = pattern_maps([prev_head, ind_head], ["previous-token: ", "induction: "], (8.0, 4.2))
report.figure(
    fig,
    "patterns",
    alt=(
        f"Two {len(labels)} by {len(labels)} attention heatmaps on the tokens "
        f"{' '.join(labels)} ({len(labels) // 2} random tokens written twice), queries in "
        "rows. First, the previous-token head: a bright line just below the diagonal. "
        "Second, the induction head: in the second half, each row is brightest on the "
        "token that followed the current token the first time."
    ),
    caption="Rows are queries, columns keys. The previous-token head: each token looks one "
    "back. The induction head: in the second copy, each token looks at what followed its "
    "earlier occurrence.",
)

# %% [markdown]
# ## Composition: the induction head reads what the previous-token head wrote

# %%
with report.output("composition"):
    # --8<-- [start:composition]
    _, with_all = head_scores(model, ids)
    _, without_previous = head_scores(model, ids, ablate=[prev_head])
    print("layer 2 induction scores")
    print("head  whole model  without the")
    print("                   previous-token head")
    for head in range(model.n_heads):
        print(f"{head + 1:>4}{with_all[1, head]:13.2f}{without_previous[1, head]:13.2f}")
    # --8<-- [end:composition]
assert without_previous[ind_head] < 0.3 * with_all[ind_head], "composition: the score collapses"
report.value("ind_without_prev", without_previous[ind_head], ".2f")

# %% [markdown]
# ## Ablation: take heads out and measure the copying

# %%
with report.output("ablation"):
    # --8<-- [start:ablation]
    whole = copying_accuracy(model, ids)  # next token right, in the second copy
    print(f"whole model: {whole:.0%} right")
    for layer in range(model.n_layers):
        for head in range(model.n_heads):
            kept = copying_accuracy(model, ids, ablate=[(layer, head)])
            print(f"without layer {layer + 1} head {head + 1}: {kept:.0%}")
    print(f"without all induction heads: {copying_accuracy(model, ids, inductive):.0%}")
    print(f"guessing: {1 / model.vocab_size:.0%}")
    # --8<-- [end:ablation]
single = np.array(
    [[copying_accuracy(model, ids, [(la, h)]) for h in range(model.n_heads)] for la in range(2)]
)
without_inductive = copying_accuracy(model, ids, inductive)
assert single[prev_head] < 0.3 and without_inductive < 0.1 and whole > 0.7
assert single[ind_head] > whole - 0.05, "one induction head alone is not missed: redundancy"
report.value("copy_whole", whole, ".0%")
report.value("copy_no_prev", single[prev_head], ".0%")
report.value("copy_no_ind", single[ind_head], ".0%")
report.value("ind_cost", 100 * (whole - min(single[1, h] for _, h in inductive)), ".0f")
report.value("copy_no_inductive", without_inductive, ".0%")
report.value("chance", 1 / model.vocab_size, ".0%")

names = [f"L{la + 1} H{h + 1}" for la in range(2) for h in range(model.n_heads)]
bars = [whole, *single.ravel(), without_inductive]
bar_names = ["none", *names, "all L2"]
fig, ax = plt.subplots(figsize=(6.0, 4.0), layout="constrained")
colours = ["C0"] + ["C1" if (i // 4, i % 4) == prev_head else "C2" for i in range(8)] + ["C3"]
ax.barh(np.arange(len(bars)), bars, color=colours)
ax.set_yticks(np.arange(len(bars)), bar_names)
ax.invert_yaxis()
ax.axvline(1 / model.vocab_size, color="0.5", linestyle="--", linewidth=1)
ax.set_xlim(0, 1)
ax.set_xlabel("second copy predicted right")
ax.set_ylabel("heads removed")
report.figure(
    fig,
    "ablation",
    alt=(
        f"Horizontal bars of copying accuracy. With no head removed: {whole:.0%}. Removing "
        f"layer 1 head {prev_head[1] + 1}, the previous-token head, drops it to "
        f"{single[prev_head]:.0%}; removing any other single head leaves it near {whole:.0%}; "
        f"removing all {len(inductive)} induction heads of layer 2 drops it to "
        f"{without_inductive:.0%}, near guessing ({1 / model.vocab_size:.0%}, dashed line)."
    ),
    caption="Copying needs the one previous-token head; the induction heads back each other up.",
)

# %% [markdown]
# ## The other heads of layer 1

# %%
with report.output("others"):
    # --8<-- [start:others]
    layer_1 = model.run(ids).weights[0]  # (64, heads, 32, 32) on the measuring sequences
    for layer, head in others:
        rows = layer_1[:, head]
        on_self = np.mean(np.diagonal(rows, axis1=-2, axis2=-1))
        on_first = np.mean(rows[..., 0])
        spread = np.mean(-np.sum(rows * np.log(rows + 1e-12), axis=-1))
        print(f"layer {layer + 1} head {head + 1}: on itself {on_self:.2f}")
        print(f"  on the first token {on_first:.2f}, entropy {spread:.2f}")
    # --8<-- [end:others]
fig = pattern_maps(others, [""] * len(others), (9.0, 3.6))
report.figure(
    fig,
    "others",
    alt=(
        f"{len(others)} attention heatmaps of the other heads of layer 1 on the tokens "
        f"{' '.join(labels)}. None shows a single clean line: their weight is spread over "
        "several earlier tokens, with different mixes in each head."
    ),
    caption="The rest of layer 1: no one-line description fits them.",
)
