# %% [markdown]
# # Lesson 2: attention is a soft dictionary lookup
#
# A dictionary of thermometer readings (hour -> °C), looked up hard (exact key) and soft
# (every reading weighted by how close its hour is), with `lesson_code.topics.soft_lookup`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import scaled_dot_product_attention, softmax
from lesson_code.topics.soft_lookup import (
    HOURS,
    TEMPS,
    as_attention_vectors,
    gaussian_kernel_weights,
    hard_lookup,
    hard_weights,
    soft_lookup,
)

report.style()

# %% [markdown]
# ## A hard lookup: exact key or nothing

# %%
with report.output("hard"):
    # --8<-- [start:hard]
    readings = dict(zip(HOURS, TEMPS, strict=True))  # {6.0: 8.0, 8.0: 11.5, ...}
    print("readings[12.0] ->", readings[12.0])
    try:
        readings[12.5]
    except KeyError as missing:
        print("readings[12.5] -> KeyError:", missing)
    print("one-hot weights for 12:", hard_weights(12.0, HOURS))
    print("weights @ values      :", hard_lookup(12.0, HOURS, TEMPS))
    # --8<-- [end:hard]
assert len(HOURS) == 8 and 12.5 not in HOURS, "the example has 8 readings and none at 12:30"
assert hard_lookup(12.0, HOURS, TEMPS) == readings[12.0], "one-hot weights must pick the value"
report.value("n_readings", len(HOURS), "d")
report.value("temp_12", readings[12.0], ".1f")
report.value("temp_14", readings[14.0], ".1f")

# %% [markdown]
# ## A soft lookup: every reading, weighted by closeness

# %%
with report.output("soft"):
    # --8<-- [start:soft]
    query, bandwidth = 12.5, 1.0  # "how warm at 12:30?"; bandwidth in hours
    estimate, weights = soft_lookup(query, HOURS, TEMPS, bandwidth)
    for hour, temp, w in zip(HOURS, TEMPS, weights, strict=True):
        print(f"{hour:4.0f}:00  {temp:5.1f} °C  weight {w:.3f}")
    print(f"sum of weights {weights.sum():.3f}  ->  estimate {estimate:.2f} °C")
    # --8<-- [end:soft]
assert np.isclose(weights.sum(), 1.0), f"weights must sum to 1, got {weights.sum()}"
assert estimate not in TEMPS, "a soft lookup returns a blend, not one of the stored records"
assert TEMPS.min() <= estimate <= TEMPS.max(), "a weighted average stays within the values"
assert weights.argmax() == np.flatnonzero(HOURS == 12.0)[0], "12:00 is nearest, so it weighs most"
report.value("soft_est", estimate, ".2f")
report.value("w_12", weights[HOURS == 12.0][0], ".3f")
report.value("w_14", weights[HOURS == 14.0][0], ".3f")
report.value("w_10", weights[HOURS == 10.0][0], ".3f")
report.value("w_6", report.scientific(weights[HOURS == 6.0][0], digits=0))

# %% [markdown]
# ## The bandwidth decides how soft

# %%
with report.output("bandwidth"):
    # --8<-- [start:bandwidth]
    for bw in [0.25, 1.0, 4.0, 100.0]:
        est, w = soft_lookup(12.5, HOURS, TEMPS, bw)
        print(f"bandwidth {bw:>5}: top weight {w.max():.3f}, estimate {est:5.2f} °C")
    print(f"plain average of all readings:        {TEMPS.mean():5.2f} °C")
    # --8<-- [end:bandwidth]
wide_est, wide_w = soft_lookup(12.5, HOURS, TEMPS, 100.0)
assert np.allclose(wide_w, 1 / len(HOURS), atol=1e-3), "a huge bandwidth weights all equally"
narrow_est, narrow_w = soft_lookup(11.0, HOURS, TEMPS, 0.05)
assert np.isclose(narrow_w.max(), 0.5), "at 11:00 the two neighbours tie even for a narrow kernel"
sharp_est, sharp_w = soft_lookup(12.5, HOURS, TEMPS, 0.25)
assert sharp_w[HOURS == 12.0][0] > 0.99, "a narrow kernel picks the nearest key"
report.value("mean_temp", TEMPS.mean(), ".2f")
report.value("wide_est", wide_est, ".2f")
report.value("narrow_top", sharp_w.max(), ".3f")
report.value("narrow_est", sharp_est, ".2f")
report.value("mid_est", narrow_est, ".2f")

# %%
grid = np.linspace(4, 23, 400)
fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), height_ratios=[3, 2], sharex=True)
for bw in [0.5, 1.5, 4.0]:
    curve, _ = soft_lookup(grid, HOURS, TEMPS, bw)
    top.plot(grid, curve, label=f"soft lookup, bandwidth {bw:g} h")
top.plot(HOURS, TEMPS, "o", color=report.FG, markersize=6, label="stored readings")
top.axvline(12.5, color=report.FG_LIGHT, linestyle="--", linewidth=1)
top.set_ylabel("temperature (°C)")
top.set_title("Looking up any hour, not just the stored ones")
top.legend(loc="upper left", fontsize=10)
bw = 1.5
_, w_fig = soft_lookup(12.5, HOURS, TEMPS, bw)
bars = bottom.bar(HOURS, w_fig, width=0.8, color=report.PALETTE[1])
bottom.bar_label(bars, labels=[f"{v:.2f}" for v in w_fig], fontsize=9, padding=2)
bottom.axvline(12.5, color=report.FG_LIGHT, linestyle="--", linewidth=1)
bottom.set_ylim(0, 0.62)
bottom.set_ylabel("weight")
bottom.set_xlabel("hour (the keys)")
bottom.set_title(f"Weights for the query 12:30 (bandwidth {bw:g} h): they sum to 1", fontsize=11)
bottom.set_xticks(HOURS)
fig.tight_layout()
report.figure(
    fig,
    "kernel",
    alt=(
        "Top: eight temperature readings between 6:00 and 21:00 drawn as dots, with three "
        "smooth soft-lookup curves through them for bandwidths 0.5, 1.5 and 4 hours; the "
        "narrow one bends toward each dot, the wide one is flat and stays below the peak. "
        "Bottom: bars of the weights each reading gets for the query 12:30 with bandwidth "
        "1.5 hours; the readings at 12:00 and 14:00 get the most, distant hours almost none."
    ),
    caption=(
        "A soft lookup can answer any query. The bandwidth sets how far each reading's "
        "influence reaches; the weights for one query form a bump around it."
    ),
)

# %% [markdown]
# ## The bridge to attention: the Gaussian weights are a softmax of scores

# %%
with report.output("bridge"):
    # --8<-- [start:bridge]
    q, bw = 12.5, 1.0
    kernel = gaussian_kernel_weights(q, HOURS, bw)
    from_distance = softmax(-((q - HOURS) ** 2) / (2 * bw**2))
    from_products = softmax((q * HOURS - HOURS**2 / 2) / bw**2)  # q² term dropped
    print("kernel weights      :", kernel.round(3))
    print("softmax(-distance²) :", from_distance.round(3))
    print("softmax(q·k - k²/2) :", from_products.round(3))
    # --8<-- [end:bridge]
assert np.allclose(kernel, from_distance) and np.allclose(kernel, from_products), (
    "Gaussian kernel weights must equal the softmax of the (expanded) scores"
)

with report.output("as_attention"):
    # --8<-- [start:as_attention]
    q_vecs, k_vecs = as_attention_vectors([12.5], HOURS, 1.0)  # (1, 2), (8, 2)
    out, attn = scaled_dot_product_attention(q_vecs, k_vecs, TEMPS[:, None])
    print("attention weights:", attn[0].round(3))
    print(f"attention output : {out[0, 0]:.2f} °C")
    # --8<-- [end:as_attention]
assert q_vecs.shape == (1, 2) and k_vecs.shape == (8, 2), "one 2-D query, eight 2-D keys"
assert np.allclose(attn[0], kernel), "scaled dot-product attention must reproduce the kernel"
assert np.isclose(out[0, 0], soft_lookup(12.5, HOURS, TEMPS, 1.0)[0]), "same estimate"
