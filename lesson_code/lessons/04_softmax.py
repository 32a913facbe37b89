# %% [markdown]
# # Lesson 4: softmax turns scores into weights
#
# Stable softmax, shift invariance and temperature, computed with `lesson_code.attention`.
# Each cell that prints shows the text the lesson page shows.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import softmax

report.style()

# %% [markdown]
# ## From scores to weights
# Three candidate words score 8.2, 3.1 and 2.4 against one query.

# %%
with report.output("basic"):
    # --8<-- [start:basic]
    scores = np.array([8.2, 3.1, 2.4])
    weights = softmax(scores)
    print("scores :", scores)
    print("weights:", weights.round(4))
    print("sum    :", weights.sum())
    # --8<-- [end:basic]
assert np.isclose(weights.sum(), 1.0), f"weights must sum to 1, got {weights.sum()}"
assert np.all(np.diff(weights) < 0), "a higher score must get a higher weight"
report.value("w_top", weights[0], ".3f")
report.value("w_mid", weights[1], ".3f")
report.value("w_low", weights[2], ".3f")
report.value("ratio_top_mid", weights[0] / weights[1], ".0f")
report.value("score_gap", scores[0] - scores[1], ".1f")

# %% [markdown]
# ## Why subtract the maximum
# `exp(1000)` overflows a 64-bit float. Softmax only cares about differences between
# scores, so subtracting the largest score first gives the same weights without overflow.

# %%
with report.output("overflow"):
    # --8<-- [start:overflow]
    big = np.array([1000.0, 999.0, 998.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(big) / np.exp(big).sum()  # inf / inf
    stable = softmax(big)
    print("naive :", naive)
    print("stable:", stable.round(4))
    # --8<-- [end:overflow]
assert np.all(np.isnan(naive)), "the naive formula should overflow to nan here"
assert np.allclose(stable, softmax(big - 1000.0)), "stable softmax must equal the shifted one"
report.value("max_float", np.finfo(float).max, ".3g")
report.value("exp_limit", np.log(np.finfo(float).max), ".1f")

# %% [markdown]
# ## Shift invariance
# Adding the same constant to every score leaves the weights unchanged.

# %%
with report.output("shift"):
    # --8<-- [start:shift]
    for c in [-5.0, 0.0, 100.0]:
        print(f"shift {c:+7.1f} -> {softmax(scores + c).round(4)}")
    # --8<-- [end:shift]
shifts = [softmax(scores + c) for c in (-5.0, 0.0, 100.0)]
assert all(np.allclose(s, weights) for s in shifts), "softmax must ignore a common shift"
doubled = softmax(2 * scores)
assert doubled[0] > weights[0], "doubling the scores must sharpen the top weight"
report.value("doubled_top", doubled[0], ".4f")

# %% [markdown]
# ## Temperature
# Dividing the scores by a temperature T before softmax sharpens (T < 1) or flattens
# (T > 1) the weights.

# %%
with report.output("temperature"):
    # --8<-- [start:temperature]
    temperatures = [0.5, 1.0, 2.0, 5.0]
    for t in temperatures:
        print(f"T = {t:>3}: {softmax(scores / t).round(3)}")
    # --8<-- [end:temperature]
report.value("t5_top", softmax(scores / 5.0)[0], ".2f")
report.value("t05_top", softmax(scores / 0.5)[0], ".4f")

# %%
# The temperature figure: one group of bars per temperature.
labels = ["trophy (8.2)", "suitcase (3.1)", "small (2.4)"]
fig, ax = plt.subplots(figsize=(7, 3.6))
width = 0.8 / len(temperatures)
x = np.arange(len(scores))
for i, t in enumerate(temperatures):
    w = softmax(scores / t)
    bars = ax.bar(x + (i - 1.5) * width, w, width, label=f"T = {t:g}")
    ax.bar_label(bars, labels=[f"{v:.2f}" for v in w], fontsize=8, padding=2)
ax.set_xticks(x, labels)
ax.set_ylabel("weight")
ax.set_ylim(0, 1.15)
ax.set_title("Same scores, four temperatures", pad=36)
ax.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=9)
report.figure(
    fig,
    "temperature",
    alt=(
        "Grouped bar chart of softmax weights for scores 8.2, 3.1 and 2.4 at temperatures "
        "0.5, 1, 2 and 5. At low temperature almost all weight sits on the first score; "
        "as the temperature rises the three bars move toward equal heights."
    ),
    caption="Lower temperature concentrates the weight; higher temperature spreads it.",
)

# %% [markdown]
# ## Large scores saturate
# Scaling every score up by a factor k is the same as temperature 1/k: the largest score
# takes almost all the weight and the gradient through softmax almost vanishes.

# %%
with report.output("saturation"):
    factors = [0.25, 0.5, 1, 2, 4, 8]
    tops = np.array([softmax(scores * k)[0] for k in factors])
    for k, top in zip(factors, tops, strict=True):
        print(f"scores x {k:<4g} -> top weight {top:.4f}")
assert np.all(np.diff(tops) >= 0), "scaling scores up must never flatten the top weight"

# %%
# The page's widget: softmax(scores / T) recomputed in the browser at the slider's T.
report.widget(
    "temperature",
    "softmax-temperature",
    {
        "scores": scores,
        "labels": ["trophy", "suitcase", "small"],
        "t_min": 0.1,
        "t_max": 5.0,
        "t_step": 0.1,
        "t_start": 1.0,
    },
    label="Try it: turn the temperature",
    caption="The same three scores; the weights are softmax(scores / T), recomputed as you move.",
)
