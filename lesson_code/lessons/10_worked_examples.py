# %% [markdown]
# # Lesson 10: worked examples
#
# Three sentences with hand-built keys, queries and values ("The cat sat", the trophy and
# the suitcase, "bank"), then a check of the trophy/suitcase numbers that popular
# explanations quote. The vectors live in `lesson_code/topics/worked_examples.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import softmax
from lesson_code.topics.worked_examples import (
    PUBLISHED_CLAIM,
    PUBLISHED_D_K,
    PUBLISHED_SCORES,
    example,
    published_weights,
    weight_of,
)

report.style()
np.set_printoptions(precision=4, suppress=True)


def show_example(ex):
    """Print the raw score, scaled score and weight of the example's query for every key."""
    print(
        f'query: "{ex.query_token}"   d_k = {ex.d_k}   divide by sqrt({ex.d_k}) = '
        f"{np.sqrt(ex.d_k):.3f}"
    )
    print(f"{'key':>10} {'q.k':>6} {'scaled':>7} {'weight':>7}")
    for token, raw, scaled, w in zip(
        ex.tokens, ex.scores(scale=False), ex.scores(), ex.weights(), strict=True
    ):
        print(f"{token:>10} {raw:6.1f} {scaled:7.3f} {w:7.3f}")


def weight_bars(ax, ex, title, colour, min_label=0.1):
    """Bar chart of the example's weights, one bar per token; bars >= min_label labelled."""
    w = ex.weights()
    x = np.arange(len(ex.tokens))
    bars = ax.bar(x, w, color=colour)
    ax.bar_label(
        bars, labels=[f"{v:.2f}" if v >= min_label else "" for v in w], fontsize=9, padding=2
    )
    ax.set_xticks(x, ex.tokens, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_ylim(0, 1)
    ax.set_ylabel("weight")
    ax.set_title(title, fontsize=10, loc="left")


# %% [markdown]
# ## "The cat sat": the verb looks for its subject

# %%
cat = example("cat_sat")
with report.output("cat_sat"):
    # --8<-- [start:cat_sat]
    cat = example("cat_sat")
    print("features:", cat.features)
    for token, key in zip(cat.tokens, cat.keys, strict=True):
        print(f"key of {token!r:>6}: {key}")
    print(f"query of {cat.query_token!r}: {cat.query}")
    print()
    show_example(cat)
    out = zip(cat.value_features, cat.output(), strict=True)
    print("output of 'sat':", ", ".join(f"{f} {o:.3f}" for f, o in out))
    # --8<-- [end:cat_sat]
w_cat = dict(zip(cat.tokens, cat.weights(), strict=True))
assert cat.d_k == 4 and len(cat.tokens) == 3, "the page describes three tokens and d_k = 4"
assert w_cat["cat"] > w_cat["sat"] > w_cat["The"], f"cat > sat > The expected: {w_cat}"
assert w_cat["cat"] > 0.5, "the subject should get most of the weight"
report.value("cat_w_cat", w_cat["cat"], ".3f")
report.value("cat_w_sat", w_cat["sat"], ".3f")
report.value("cat_w_the", w_cat["The"], ".3f")
report.value("cat_score_cat", cat.scores(scale=False)[1], ".0f")
report.value("cat_score_sat", cat.scores(scale=False)[2], ".0f")
report.value("cat_scaled_cat", cat.scores()[1], ".1f")
report.value("cat_out_animal", cat.output()[cat.value_features.index("animal")], ".3f")
# features that "cat" offers and "sat" asks for
cat_matches = int(np.sum((cat.keys[1] > 0) & (cat.query > 0)))
assert cat_matches == 2, f"the page says 'cat' matches two wanted features: {cat_matches}"
report.value("cat_n_match", cat_matches)
report.value("cat_dk", cat.d_k)

# %%
fig, ax = plt.subplots(figsize=(4.2, 2.8))
weight_bars(ax, cat, "query: “sat”", report.PALETTE[0], min_label=0.0)
ax.set_xticks(range(3), cat.tokens, rotation=0, ha="center")
report.figure(
    fig,
    "cat_sat",
    alt=(
        "Bar chart of the attention weights of 'sat' over The, cat and sat. The bar for "
        "cat is by far the tallest, sat itself gets a short bar and The the shortest."
    ),
    caption=(
        "“sat” asks for an animate noun, so most of its weight goes to “cat”; “The” "
        "offers nothing it asks for."
    ),
)

# %% [markdown]
# ## "it": the trophy and the suitcase
# The same 13 tokens, with "small" or "big" at the end. The query of "it" has already
# absorbed the adjective (earlier layers did that), so it asks for a container when the
# thing is too small and for the contents when it is too big.

# %%
small, big = example("trophy_small"), example("trophy_big")
with report.output("trophy"):
    # --8<-- [start:trophy]
    for name in ("trophy_small", "trophy_big"):
        ex = example(name)
        print(f"{name}: the query of 'it' asks for")
        for feature, amount in zip(ex.features, ex.query, strict=True):
            if amount:
                print(f"    {feature:<16} {amount:+.0f}")
        scores = ex.scores(scale=False)
        top3 = np.argsort(-scores)[:3]
        print("  top scores:", ", ".join(f"{ex.tokens[j]} {scores[j]:.0f}" for j in top3))
        print(
            f"  weights: trophy {weight_of(name, 'trophy'):.3f}, "
            f"suitcase {weight_of(name, 'suitcase'):.3f}\n"
        )
    # --8<-- [end:trophy]
assert len(small.tokens) == 13 and small.d_k == PUBLISHED_D_K == 8, "13 tokens, d_k = 8"
assert weight_of("trophy_small", "suitcase") > weight_of("trophy_small", "trophy"), (
    "too small: 'it' is the suitcase, which must win"
)
assert weight_of("trophy_big", "trophy") > weight_of("trophy_big", "suitcase"), (
    "too big: 'it' is the trophy, which must win"
)
report.value("tr_small_suitcase", weight_of("trophy_small", "suitcase"), ".3f")
report.value("tr_small_trophy", weight_of("trophy_small", "trophy"), ".3f")
report.value("tr_big_trophy", weight_of("trophy_big", "trophy"), ".3f")
report.value("tr_big_suitcase", weight_of("trophy_big", "suitcase"), ".3f")
report.value("tr_top_score", small.scores(scale=False).max(), ".0f")
report.value("tr_second_score", np.sort(small.scores(scale=False))[-2], ".0f")
rest = 1 - weight_of("trophy_small", "suitcase") - weight_of("trophy_small", "trophy")
report.value("tr_small_rest", rest, ".3f")
report.value("n_trophy_tokens", len(small.tokens))
report.value("n_trophy_rest", len(small.tokens) - 2)  # all but trophy and suitcase

# %%
fig, axes = plt.subplots(2, 1, figsize=(7, 4.8), sharey=True)
weight_bars(axes[0], small, "“…because it was too small”: query of “it”", report.PALETTE[1])
weight_bars(axes[1], big, "“…because it was too big”: query of “it”", report.PALETTE[0])
fig.tight_layout()
report.figure(
    fig,
    "trophy",
    alt=(
        "Two bar charts of the weights of 'it' over the 13 tokens of the trophy sentence. "
        "In the 'too small' sentence the tallest bar is suitcase and trophy is second; in "
        "the 'too big' sentence trophy is tallest and suitcase second. The remaining "
        "eleven tokens each get a small weight."
    ),
    caption=(
        "One word changes which noun wins: “too small” makes “it” the suitcase, "
        "“too big” makes it the trophy."
    ),
)

# %% [markdown]
# ## "bank": river or money
# The query of "bank" is the same in both sentences; only the keys around it differ.

# %%
river, money = example("bank_river"), example("bank_money")
with report.output("bank"):
    # --8<-- [start:bank]
    for name in ("bank_river", "bank_money"):
        ex = example(name)
        print(" ".join(ex.tokens))
        show_example(ex)
        out = dict(zip(ex.value_features, ex.output(), strict=True))
        print(f"output of 'bank': water {out['water']:.3f}, money {out['money']:.3f}\n")
    # --8<-- [end:bank]
assert np.array_equal(river.query, money.query), "bank's query must not depend on the sentence"
water, cash = river.value_features.index("water"), river.value_features.index("money")
assert river.output()[water] > river.output()[cash], "by the river: water sense should win"
assert money.output()[cash] > money.output()[water], "with cash: money sense should win"
report.value("bk_river_w", weight_of("bank_river", "river"), ".3f")
report.value("bk_cash_w", weight_of("bank_money", "cash"), ".3f")
report.value("bk_paid_w", weight_of("bank_money", "paid"), ".3f")
report.value("bk_river_water", river.output()[water], ".3f")
report.value("bk_money_money", money.output()[cash], ".3f")
money_col = money.features.index("money")
money_clues = [t for t, key in zip(money.tokens, money.keys, strict=True) if key[money_col] > 0]
assert money_clues == ["paid", "cash"], f"the page names paid and cash: {money_clues}"
report.value("bk_n_money", len(money_clues))

# %%
fig, axes = plt.subplots(2, 2, figsize=(7, 4.6), width_ratios=[3, 1.1])
for row, (ex, colour) in enumerate(((river, report.PALETTE[2]), (money, report.PALETTE[4]))):
    weight_bars(axes[row, 0], ex, f"query of “bank” in “{' '.join(ex.tokens)}”", colour)
    out = ex.output()
    shown = [ex.value_features.index("water"), ex.value_features.index("money")]
    bars = axes[row, 1].bar([0, 1], out[shown], color=[report.PALETTE[2], report.PALETTE[4]])
    axes[row, 1].bar_label(bars, labels=[f"{v:.2f}" for v in out[shown]], fontsize=9, padding=2)
    axes[row, 1].set_xticks([0, 1], ["water", "money"])
    axes[row, 1].set_ylim(0, 1)
    axes[row, 1].set_title("output of “bank”", fontsize=10, loc="left")
fig.tight_layout()
report.figure(
    fig,
    "bank",
    alt=(
        "Top row: weights of 'bank' in 'we sat on the bank of the river'; river gets the "
        "tallest bar, and the output of bank has a large water component and no money "
        "component. Bottom row: in 'she paid the cash into the bank', cash gets the "
        "tallest bar, paid the next, and the output has a large money component and no "
        "water."
    ),
    caption=(
        "The same query finds a different clue in each sentence, and the blended value "
        "carries that sense back to “bank”."
    ),
)

# %% [markdown]
# ## Checking published numbers
# Popular explanations give the query of "it" the scores trophy 8.2, suitcase 3.1 and
# small 2.4, and quote the weights after scaling and softmax as about 0.79 (trophy) and
# 0.13 (suitcase), with only a little weight left for the other words. They never say
# what the key size d_k is. Step 1 reads the scale off the quoted ratio, which is where
# d_k = 8 comes from; the later steps test what that scale implies.

# %%
with report.output("check"):
    # --8<-- [start:check]
    scores = np.array(list(PUBLISHED_SCORES.values()))  # trophy, suitcase, small
    print("scores:", PUBLISHED_SCORES, "  key size: not stated")
    print("claimed:", PUBLISHED_CLAIM)
    # Softmax weights satisfy w_1 / w_2 = e^((s_1 - s_2) / T) for the divisor T used,
    # so the quoted pair of weights fixes T. This is an inference, not a check.
    ratio_claimed = PUBLISHED_CLAIM["trophy"] / PUBLISHED_CLAIM["suitcase"]
    implied_t = (scores[0] - scores[1]) / np.log(ratio_claimed)
    implied_dk = round(implied_t**2)
    print(
        f"1. divisor implied by the quoted ratio: {implied_t:.3f}, "
        f"about sqrt({implied_dk}) = {np.sqrt(implied_dk):.3f}"
    )
    unscaled = softmax(scores)
    scaled = softmax(scores / np.sqrt(implied_dk))
    print("2. softmax, no scaling:         ", unscaled.round(4))
    print(f"3. softmax of scores / sqrt({implied_dk}):", scaled.round(4))
    print("   sum of these three:          ", scaled.sum().round(4))
    n_other = len(small.tokens) - 3  # the rest of the 13-token sentence
    in_sentence = softmax(np.concatenate([scores / np.sqrt(implied_dk), np.zeros(n_other)]))
    print(f"4. with the {n_other} other tokens at score 0:", in_sentence[:3].round(4))
    print(f"   the {n_other} others together:           ", in_sentence[3:].sum().round(4))
    # at the divisor the ratio allows, "small" is fixed too, and the three named weights
    # must add up to at most 1 (every other token only takes more)
    implied_small = PUBLISHED_CLAIM["trophy"] * np.exp((scores[2] - scores[0]) / implied_t)
    quoted_sum = PUBLISHED_CLAIM["trophy"] + PUBLISHED_CLAIM["suitcase"] + implied_small
    print(
        f"5. at that divisor 'small' must get {implied_small:.3f}; "
        f"trophy + suitcase + small = {quoted_sum:.3f}"
    )
    # --8<-- [end:check]
# d_k = 8 was read off the quote; lesson_code.topics.worked_examples uses the same value
assert implied_dk == PUBLISHED_D_K, f"implied d_k {implied_dk} vs examples {PUBLISHED_D_K}"
assert abs(implied_t - np.sqrt(implied_dk)) < 0.01, f"ratio gives T = {implied_t:.4f}"
assert np.allclose(unscaled, published_weights(d_k=None)), "same softmax as worked_examples"
assert np.allclose(scaled, published_weights(d_k=8)), "same softmax as worked_examples"
assert np.allclose(in_sentence, published_weights(d_k=8, n_other=n_other))
assert n_other == 10, f"13 tokens minus trophy, suitcase, small: {n_other}"
assert np.allclose(unscaled.round(3), [0.991, 0.006, 0.003]), f"unscaled: {unscaled}"
assert np.allclose(scaled.round(3), [0.773, 0.127, 0.099]), f"scaled: {scaled}"
assert np.isclose(scaled.sum(), 1.0), "three weights alone already sum to 1"
assert abs(scaled[2] - 0.10) < 0.005, f"'small' gets about 0.10, got {scaled[2]:.4f}"
assert abs(in_sentence[0] - 0.54) < 0.005, f"trophy drops to ~0.54, got {in_sentence[0]:.4f}"
assert quoted_sum > 1, f"the quote is impossible at any divisor: sum {quoted_sum:.3f}"
report.value("pub_trophy", PUBLISHED_SCORES["trophy"], ".1f")
report.value("pub_suitcase", PUBLISHED_SCORES["suitcase"], ".1f")
report.value("pub_small", PUBLISHED_SCORES["small"], ".1f")
report.value("pub_dk", implied_dk)
report.value("pub_sqrt_dk", np.sqrt(implied_dk), ".3f")
report.value("implied_t", implied_t, ".3f")
report.value("implied_small", implied_small, ".3f")
report.value("quoted_sum", quoted_sum, ".3f")
report.value("claim_trophy", PUBLISHED_CLAIM["trophy"], ".2f")
report.value("claim_suitcase", PUBLISHED_CLAIM["suitcase"], ".2f")
report.value("claim_rest", 1 - sum(PUBLISHED_CLAIM.values()), ".2f")
report.value("un_trophy", unscaled[0], ".3f")
report.value("un_suitcase", unscaled[1], ".3f")
report.value("un_small", unscaled[2], ".3f")
report.value("sc_trophy", scaled[0], ".3f")
report.value("sc_suitcase", scaled[1], ".3f")
report.value("sc_small", scaled[2], ".4f")
report.value("sc_small_2", scaled[2], ".2f")
report.value("sc_small_share", scaled[2] / scaled[1], ".0%")
report.value("in_trophy", in_sentence[0], ".3f")
report.value("in_trophy_2", in_sentence[0], ".2f")
report.value("in_suitcase", in_sentence[1], ".3f")
report.value("in_small", in_sentence[2], ".3f")
report.value("in_others", in_sentence[3:].sum(), ".3f")
report.value("in_each_other", in_sentence[3], ".3f")
report.value("ratio_claimed", ratio_claimed, ".2f")
report.value("n_other", n_other)

# %% [markdown]
# What would the ten other tokens' scores have to be for trophy to keep 0.79?

# %%
with report.output("needed"):
    # --8<-- [start:needed]
    scaled_scores = scores / np.sqrt(implied_dk)
    for other in (0.0, -1.0, -2.0, -3.0, -5.0):
        w = softmax(np.concatenate([scaled_scores, np.full(n_other, other)]))
        print(
            f"others at scaled score {other:5.1f}: trophy {w[0]:.3f}, "
            f"suitcase {w[1]:.3f}, small {w[2]:.3f}"
        )
    # --8<-- [end:needed]
w_low = softmax(np.concatenate([scaled_scores, np.full(n_other, -5.0)]))
assert w_low[0] < scaled[0] < PUBLISHED_CLAIM["trophy"], "trophy can never reach 0.79 here"
assert w_low[2] > 0.09, "small keeps about 0.10 however low the others go"
report.value("low_other", f"{-5.0:.0f}".replace("-", "−"))  # a typographic minus
report.value("low_trophy", w_low[0], ".3f")
report.value("low_small", w_low[2], ".3f")

# %%
fig, ax = plt.subplots(figsize=(7, 3.4))
groups = ["trophy", "suitcase", "small", f"{n_other} other tokens\n(together)"]
series = [
    ("quoted", [PUBLISHED_CLAIM["trophy"], PUBLISHED_CLAIM["suitcase"], np.nan, np.nan]),
    ("no scaling, 3 tokens", [*unscaled, 0.0]),
    (f"÷ √{implied_dk}, 3 tokens", [*scaled, 0.0]),
    (f"÷ √{implied_dk}, all {len(small.tokens)} tokens", [*in_sentence[:3], in_sentence[3:].sum()]),
]
x = np.arange(len(groups))
width = 0.2
for i, (label, heights) in enumerate(series):
    heights = np.array(heights, dtype=float)
    bars = ax.bar(
        x + (i - 1.5) * width,
        np.nan_to_num(heights),
        width,
        label=label,
        hatch="//" if label == "quoted" else None,
        edgecolor=report.FG_LIGHT if label == "quoted" else None,
        linewidth=0.5,
    )
    ax.bar_label(
        bars,
        labels=["" if np.isnan(h) or h < 0.02 else f"{h:.2f}" for h in heights],
        fontsize=8,
        padding=2,
    )
ax.set_xticks(x, groups)
ax.set_ylabel("weight of “it” on …")
ax.set_ylim(0, 1.15)
ax.legend(fontsize=9, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
ax.set_title("Quoted weights against the weights the scores give", fontsize=11, pad=52)
report.figure(
    fig,
    "check",
    alt=(
        f"Grouped bars for trophy, suitcase, small and the {n_other} other tokens together. "
        f"The quoted weights are {PUBLISHED_CLAIM['trophy']:.2f} and "
        f"{PUBLISHED_CLAIM['suitcase']:.2f}. Computed from the scores: without scaling "
        f"trophy takes {unscaled[0]:.2f}; divided by the square root of {implied_dk} trophy "
        f"gets {scaled[0]:.2f}, suitcase {scaled[1]:.2f} and small {scaled[2]:.2f}, which is "
        f"not a small residual; with all {len(small.tokens)} tokens in the softmax trophy "
        f"falls to {in_sentence[0]:.2f} and the {n_other} other tokens share about "
        f"{in_sentence[3:].sum():.2f}."
    ),
    caption=(
        f"No version of the computation gives {PUBLISHED_CLAIM['trophy']:.2f} for trophy with "
        "only residual weight left for the rest."
    ),
)
