# %% [markdown]
# # Lesson 9: why divide by √d_k
#
# Measure how the spread of a dot product grows with the vector size d, what that does
# to the softmax, and why attention divides by √d_k rather than by d_k.
# The simulations live in `lesson_code/topics/scaling.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import softmax
from lesson_code.topics.running_example import D_K as SENTENCE_D_K
from lesson_code.topics.scaling import (
    DIVISORS,
    peakiness,
    peakiness_of,
    random_dot_products,
    random_scores,
    random_weights,
    scale_factor,
    softmax_jacobian_norm,
)

report.style()
SEED = 9
DIMS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
N_KEYS = 16  # a 16-token context: one query against 16 keys
report.value("dk_lesson8", SENTENCE_D_K)  # the key size of lesson 8's five-token example
report.value("sqrt_dk_lesson8", np.sqrt(SENTENCE_D_K), "g")
report.value("n_keys", N_KEYS)
report.value("uniform_weight", 1 / N_KEYS, ".4f")

# %% [markdown]
# ## Dot products of random vectors grow with d
# Draw many pairs q, k whose components are independent with mean 0 and variance 1,
# and measure the variance of q · k for each size d.

# %%
with report.output("spread"):
    # --8<-- [start:spread]
    print("   d   std of q.k   variance of q.k   variance of q.k/sqrt(d)")
    measured = {}
    for d in DIMS:
        dots = random_dot_products(d, n_draws=20_000, seed=SEED + d)  # (20000,)
        measured[d] = dots
        scaled = dots / np.sqrt(d)
        print(f"{d:>4}   {dots.std():>10.2f}   {dots.var():>15.2f}   {scaled.var():>23.3f}")
    # --8<-- [end:spread]
for d, dots in measured.items():
    assert abs(dots.var() / d - 1) < 0.1, f"var(q.k) should be about d={d}, got {dots.var():.2f}"
    assert abs(dots.mean()) < 0.1 * np.sqrt(d) + 0.05, f"mean of q.k should be ~0 at d={d}"
report.value("var_64", measured[64].var(), ".1f")
report.value("var_512", measured[512].var(), ".0f")
report.value("std_512", measured[512].std(), ".1f")
report.value("std_4", measured[4].std(), ".1f")
report.value("scaled_var_512", (measured[512] / np.sqrt(512)).var(), ".2f")
report.value("over_d_var_512", (measured[512] / 512).var(), ".4f")
report.value("one_over_512", 1 / 512, ".4f")
report.value("n_draws", 20_000, ",")

# %%
# Figure: the spread of q.k for three sizes, and the variance against d for three divisors.
fig, (ax_hist, ax_var) = plt.subplots(1, 2, figsize=(7, 3.2), width_ratios=[1.1, 1])
bins = np.linspace(-80, 80, 161)  # width-1 bins
for d in (4, 64, 512):
    ax_hist.hist(
        measured[d], bins=bins, density=True, histtype="step", linewidth=2, label=f"d = {d}"
    )
ax_hist.set_xlabel("q · k (no scaling)")
ax_hist.set_ylabel("density")
ax_hist.set_title("Spread of q · k", fontsize=11)
ax_hist.legend(fontsize=9, loc="upper left")
dims = np.array(DIMS)
variances = np.array([measured[d].var() for d in DIMS])
for divide_by, label, marker in (
    ("none", "q·k", "o"),
    ("sqrt", "q·k / √d", "s"),
    ("d", "q·k / d", "^"),
):
    div = np.array([scale_factor(divide_by, d) for d in DIMS])
    ax_var.plot(dims, variances / div**2, marker=marker, markersize=5, label=label)
ax_var.set_xscale("log", base=2)
ax_var.set_yscale("log", base=2)
ax_var.set_xlabel("d (vector size)")
ax_var.set_ylabel("variance")
ax_var.set_title("Variance against d", fontsize=11)
ax_var.legend(fontsize=9)
fig.tight_layout()
report.figure(
    fig,
    "spread",
    alt=(
        "Left: histograms of the dot product of two random vectors for d = 4, 64 and 512; "
        "the curve for d = 512 is many times wider than the one for d = 4. Right: on "
        "log-log axes the variance of q·k rises along the line variance = d, the variance "
        "of q·k/√d stays flat at 1, and the variance of q·k/d falls as 1/d."
    ),
    caption=(
        "Unit-variance components: q·k has variance d. Dividing by √d keeps it at 1; "
        "dividing by d shrinks it to 1/d."
    ),
)

# %% [markdown]
# ## What the spread does to the softmax
# One query against 16 keys, all random with unit-variance components, for each d and
# three choices of divisor. The largest weight is 1/16 for a uniform row and 1 for a
# one-hot row.

# %%
with report.output("peaky"):
    # --8<-- [start:peaky]
    print("   d   largest weight:  no scaling    / sqrt(d)        / d")
    tops = {m: [] for m in DIVISORS}
    entropies = {m: [] for m in DIVISORS}
    raw = {}
    for d in DIMS:
        raw[d] = random_scores(d, n_keys=16, n_draws=2_000, seed=SEED)  # (2000, 16)
        for divide_by in DIVISORS:
            # the same draws each time; only the divisor changes
            w = softmax(raw[d] / scale_factor(divide_by, d), axis=-1)
            top, entropy = peakiness_of(w)
            tops[divide_by].append(top)
            entropies[divide_by].append(entropy)
        row = [tops[m][-1] for m in DIVISORS]
        print(f"{d:>4}   {row[0]:>26.3f}   {row[1]:>10.3f}   {row[2]:>8.3f}")
    # --8<-- [end:peaky]
tops = {m: np.array(v) for m, v in tops.items()}
assert np.all(np.diff(tops["none"]) > 0), "without scaling the top weight must grow with d"
assert tops["none"][-1] > 0.9, f"unscaled weights should be nearly one-hot, {tops['none'][-1]}"
assert np.ptp(tops["sqrt"][2:]) < 0.05, f"√d scaling should keep peakiness steady: {tops['sqrt']}"
assert tops["d"][-1] < 1.1 / N_KEYS, f"1/d scaling should approach uniform: {tops['d'][-1]}"
i512 = DIMS.index(512)
assert np.isclose(tops["sqrt"][1], peakiness(2, N_KEYS, 2_000, "sqrt", SEED)[0]), (
    "peakiness() must reproduce the table"
)
report.value("top_none_512", tops["none"][i512], ".2f")
report.value("top_sqrt_512", tops["sqrt"][i512], ".2f")
report.value("top_d_512", tops["d"][i512], ".3f")
report.value("top_none_4", tops["none"][DIMS.index(4)], ".2f")
report.value("top_sqrt_4", tops["sqrt"][DIMS.index(4)], ".2f")
report.value("top_sqrt_min", tops["sqrt"][2:].min(), ".2f")
report.value("top_sqrt_max", tops["sqrt"][2:].max(), ".2f")
report.value("entropy_none_512", entropies["none"][i512], ".2f")
report.value("entropy_sqrt_512", entropies["sqrt"][i512], ".2f")
report.value("entropy_d_512", entropies["d"][i512], ".3f")

# %%
# Figure: mean largest weight against d for the three divisors.
fig, ax = plt.subplots(figsize=(6.4, 3.4))
labels = {"none": "no scaling", "sqrt": "divide by √d", "d": "divide by d"}
for divide_by, marker in zip(DIVISORS, "os^", strict=True):
    ax.plot(DIMS, tops[divide_by], marker=marker, markersize=5, label=labels[divide_by])
ax.axhline(1.0, linestyle=":", linewidth=1, color=report.FG_LIGHT)
ax.axhline(1 / N_KEYS, linestyle=":", linewidth=1, color=report.FG_LIGHT)
ax.text(1, 1.0, "one-hot", va="bottom", fontsize=9)
ax.text(1, 1 / N_KEYS, "uniform (1/16)", va="bottom", fontsize=9)
ax.set_xscale("log", base=2)
ax.set_ylim(0, 1.1)
ax.set_xlabel("d_k (query and key size)")
ax.set_ylabel("mean largest weight")
ax.set_title(f"One query, {N_KEYS} random keys", fontsize=11)
ax.legend(fontsize=9, loc="center right")
report.figure(
    fig,
    "peaky",
    alt=(
        "Line chart of the average largest attention weight against d_k from 1 to 512, "
        f"for {N_KEYS} random keys. Without scaling the line climbs toward 1 (one-hot). "
        f"Dividing by the square root of d_k keeps it flat near {tops['sqrt'][-1]:.2f}. "
        f"Dividing by d_k makes it sink to 1/{N_KEYS}, the uniform weight."
    ),
    caption=(
        "With random queries and keys, only √d_k of the three divisors keeps the softmax "
        "equally decisive at every key size: no scaling saturates, 1/d_k flattens."
    ),
)

# %% [markdown]
# ## One query, three divisors
# The same query and keys at d = 256, with the scores divided by 1, √256 = 16 and 256.

# %%
with report.output("one_query"):
    # --8<-- [start:one_query]
    d = 256
    # same seed: the same q and keys, only the divisor differs
    rows = {m: random_weights(d, n_keys=16, n_draws=1, divide_by=m, seed=SEED)[0] for m in DIVISORS}
    for divide_by, w in rows.items():
        print(
            f"divide by {scale_factor(divide_by, d):>5g}: largest {w.max():.3f}, "
            f"smallest {w.min():.2e}"
        )
    # --8<-- [end:one_query]
assert rows["none"].max() > 0.99, f"unscaled d=256 row should be one-hot: {rows['none'].max()}"
assert rows["d"].max() < 2 / N_KEYS, "the 1/d row should be close to uniform"
report.value("oq_none_top", rows["none"].max(), ".4f")
report.value("oq_sqrt_top", rows["sqrt"].max(), ".2f")
report.value("oq_d_top", rows["d"].max(), ".3f")
report.value("oq_d_min", rows["d"].min(), ".3f")

# %%
fig, axes = plt.subplots(1, 3, figsize=(7, 3.1), sharey=True)
titles = {"none": "no scaling", "sqrt": "÷ √256 = 16", "d": "÷ 256"}
order = np.argsort(-rows["sqrt"])  # same key order in all three panels
for ax, (divide_by, colour) in zip(axes, zip(DIVISORS, report.PALETTE, strict=False), strict=True):
    ax.bar(np.arange(N_KEYS), rows[divide_by][order], color=colour)
    ax.axhline(1 / N_KEYS, linestyle=":", linewidth=1, color=report.FG_LIGHT)
    ax.set_title(titles[divide_by], fontsize=10)
    ax.set_xticks([0, 5, 10, 15])
    ax.set_xlabel("key (sorted)", fontsize=9)
axes[0].set_ylabel("weight")
axes[0].set_ylim(0, 1.05)
fig.tight_layout()
report.figure(
    fig,
    "one_query",
    alt=(
        f"Three bar charts of the weights of one random query over {N_KEYS} random keys with "
        "d = 256. Without scaling one bar reaches almost 1 and the others vanish. Divided "
        "by 16 several bars share the weight. Divided by 256 all bars sit near the dotted "
        "uniform line at 1/16."
    ),
    caption=(
        f"Same query and the same {N_KEYS} keys at d = 256: only the divisor changes, and "
        "with it how the weight is shared."
    ),
)

# %% [markdown]
# ## A saturated softmax passes almost no gradient
# The derivative of the weights with respect to the scores is diag(w) − w wᵀ. For a
# one-hot row it is zero: nudging the scores changes nothing, so training gets no signal.

# %%
TINY = 0.01  # a derivative this small means the weights barely respond to the scores
report.value("tiny", TINY)
with report.output("gradient"):
    # --8<-- [start:gradient]
    scores = raw[512]  # (2000, 16): the d = 512 draws from the table above
    norms = {}
    for divide_by in ("none", "sqrt"):
        w = softmax(scores / scale_factor(divide_by, 512), axis=-1)
        norms[divide_by] = softmax_jacobian_norm(w)  # (2000,) one norm per query
        tiny_share = np.mean(norms[divide_by] < TINY)
        divisor = scale_factor(divide_by, 512)
        print(
            f"d = 512, divide by {divisor:>6.2f}: mean gradient size "
            f"{norms[divide_by].mean():.3f}, below {TINY} in {tiny_share:.0%}"
        )
    # --8<-- [end:gradient]
jac_none, jac_sqrt = norms["none"], norms["sqrt"]
assert jac_none.mean() < 0.5 * jac_sqrt.mean(), "saturated rows must pass less gradient"
report.value("jac_none", jac_none.mean(), ".3f")
report.value("jac_sqrt", jac_sqrt.mean(), ".3f")
report.value("jac_none_tiny", np.mean(jac_none < TINY), ".0%")

# %% [markdown]
# ## The trophy scores again
# The scores 8.2, 3.1 and 2.4 from lessons 4 and 10, with d_k = 8.

# %%
with report.output("trophy"):
    # --8<-- [start:trophy]
    scores = np.array([8.2, 3.1, 2.4])
    for name, divisor in (("none", 1.0), ("sqrt(8)", np.sqrt(8)), ("8", 8.0)):
        print(f"divide by {name:<8} -> {softmax(scores / divisor).round(3)}")
    # --8<-- [end:trophy]
w_sqrt8 = softmax(scores / np.sqrt(8))
w_8 = softmax(scores / 8)
assert w_8.max() < w_sqrt8.max() < softmax(scores).max(), "bigger divisor, flatter weights"
report.value("tr_sqrt_top", w_sqrt8[0], ".3f")
report.value("tr_d_top", w_8[0], ".3f")
report.value("tr_none_top", softmax(scores)[0], ".3f")

# %% [markdown]
# ## When the assumption fails: a query aligned with its key
# The √d argument assumes q and k are independent. Training makes a query point toward
# the keys it should find. A toy version: every component of k has correlation RHO with
# the same component of q (each still has variance 1). Then q · k has mean RHO · d.

# %%
RHO = 0.2
with report.output("aligned"):
    # --8<-- [start:aligned]
    rng = np.random.default_rng(SEED)
    print("   d   mean q.k   / sqrt(d)     / d   mean cosine (QK-norm)")
    aligned = {}
    for d in (16, 64, 256, 1024):
        q = rng.standard_normal((2_000, d))  # (2000, d)
        noise = rng.standard_normal((2_000, d))
        k = RHO * q + np.sqrt(1 - RHO**2) * noise  # corr(q_i, k_i) = RHO, var(k_i) = 1
        dots = np.einsum("nd,nd->n", q, k)  # (2000,)
        # QK-norm: make q and k unit length first, so q.k is the cosine of their angle
        cosine = dots / (np.linalg.norm(q, axis=1) * np.linalg.norm(k, axis=1))
        assert np.all(np.abs(cosine) <= 1 + 1e-12), "a cosine never leaves [-1, 1]"
        aligned[d] = (dots.mean(), dots.mean() / np.sqrt(d), dots.mean() / d, cosine.mean())
        print(
            f"{d:>4}   {aligned[d][0]:>8.1f}   {aligned[d][1]:>9.2f}   {aligned[d][2]:>5.3f}"
            f"   {aligned[d][3]:>21.3f}"
        )
    # --8<-- [end:aligned]
over_sqrt = np.array([aligned[d][1] for d in aligned])
over_d = np.array([aligned[d][2] for d in aligned])
assert np.all(np.diff(over_sqrt) > 0), f"aligned: q.k/√d must keep growing with d: {over_sqrt}"
assert np.allclose(over_d, RHO, atol=0.02), f"aligned: q.k/d must settle near RHO: {over_d}"
cosines = np.array([aligned[d][3] for d in aligned])
assert np.allclose(cosines, RHO, atol=0.03), f"QK-norm scores must not grow with d: {cosines}"
report.value("rho", RHO, "g")
report.value("al_sqrt_16", aligned[16][1], ".1f")
report.value("al_sqrt_1024", aligned[1024][1], ".1f")
report.value("al_d_1024", aligned[1024][2], ".2f")
report.value("al_d_16", aligned[16][2], ".2f")
report.value("al_cos_min", cosines.min(), ".2f")
report.value("al_cos_max", cosines.max(), ".2f")

# %%
# The page's widget: per key size d, the measured spread of q·k and the mean largest weight,
# without scaling and divided by √d (the numbers of the two tables above).
report.widget(
    "key_size",
    "scaling-dk",
    {
        "dims": DIMS,
        "std_none": [measured[d].std() for d in DIMS],
        "std_sqrt": [(measured[d] / np.sqrt(d)).std() for d in DIMS],
        "top_none": tops["none"],
        "top_sqrt": tops["sqrt"],
        "n_keys": N_KEYS,
        "start_index": DIMS.index(64),
    },
    label="Try it: grow the key size",
    caption=(
        f"Measured on the random vectors of this page: {len(measured[64]):,} pairs for the "
        f"spread, {len(raw[64]):,} queries over {N_KEYS} keys for the largest weight."
    ),
)
