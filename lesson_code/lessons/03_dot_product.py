# %% [markdown]
# # Lesson 3: the dot product measures how aligned two arrows are
#
# One 2-D query and four 2-D keys from `lesson_code.topics.dot_product`: scores by hand and with
# `@`, the link to angle and length, and the pitfall of long keys.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import softmax
from lesson_code.topics.dot_product import (
    KEY_NAMES,
    KEYS,
    QUERY,
    angle_degrees,
    break_even_angle,
    cosine_similarity,
    dot_by_hand,
    length,
    scores,
)

report.style()
SEED = 0

# %% [markdown]
# ## Sum of products, by hand

# %%
with report.output("by_hand"):
    # --8<-- [start:by_hand]
    q = QUERY  # [2, 1]
    for name, k in zip(KEY_NAMES, KEYS, strict=True):
        pairs = zip(q, k, strict=True)
        terms = " + ".join(f"({q_i:g})({k_i:g})" for q_i, k_i in pairs)
        print(f"q · k_{name} = {terms} = {dot_by_hand(q, k):g}")
    # --8<-- [end:by_hand]
by_hand = np.array([dot_by_hand(QUERY, k) for k in KEYS])
assert QUERY.shape == (2,) and KEYS.shape == (4, 2), "one 2-D query, four 2-D keys"
for name, value in zip(KEY_NAMES, by_hand, strict=True):
    report.value(f"dot_{name.lower()}", value, "g")

# %% [markdown]
# ## The same with numpy: `@`, one key or all keys at once

# %%
with report.output("matmul"):
    # --8<-- [start:matmul]
    print("q @ k_B      :", q @ KEYS[1])
    all_scores = KEYS @ q  # (4, 2) @ (2,) -> (4,): one score per key
    print("KEYS @ q     :", all_scores, "shape", all_scores.shape)
    rng = np.random.default_rng(SEED)
    q8, keys8 = rng.normal(size=8), rng.normal(size=(5, 8))  # 8 dimensions
    loop = [dot_by_hand(q8, k) for k in keys8]
    print("8-D, @ vs loop:", np.allclose(keys8 @ q8, loop))
    # --8<-- [end:matmul]
assert np.array_equal(all_scores, by_hand), "KEYS @ q must equal the sums of products"
assert np.array_equal(all_scores, scores(QUERY, KEYS)), "scores() is KEYS @ q"
assert np.allclose(keys8 @ q8, loop), "@ must equal the loop in any dimension"

# %% [markdown]
# ## Angle and length: q · k = |q| |k| cos(angle)

# %%
with report.output("geometry"):
    # --8<-- [start:geometry]
    print("key  length  angle   cosine  |q||k|cos   q·k")
    for name, k in zip(KEY_NAMES, KEYS, strict=True):
        cos = cosine_similarity(q, k)
        angle, via_cos = angle_degrees(q, k), length(q) * length(k) * cos
        print(
            f"  {name}  {length(k):6.3f}  {angle:5.1f}°  {cos:6.3f}  {via_cos:9.3f}  {q @ k:5.2f}"
        )
    # --8<-- [end:geometry]
for k in KEYS:
    assert np.isclose(QUERY @ k, length(QUERY) * length(k) * cosine_similarity(QUERY, k)), (
        "q·k must equal |q||k|cos(angle)"
    )
cos = {n: cosine_similarity(QUERY, k) for n, k in zip(KEY_NAMES, KEYS, strict=True)}
assert np.isclose(cos["A"], 1) and np.isclose(cos["C"], 0) and np.isclose(cos["D"], -1)
assert by_hand[1] > by_hand[0] and cos["B"] < cos["A"], "B: less aligned than A, higher score"
report.value("len_q", length(QUERY), ".3f")
report.value("len_a", length(KEYS[0]), ".3f")
report.value("len_b", length(KEYS[1]), ".3f")
shadow_a, shadow_b = by_hand[0] / length(QUERY), by_hand[1] / length(QUERY)
assert np.isclose(shadow_b, 2 * shadow_a), "B's shadow on q's line is twice A's"
report.value("shadow_a", shadow_a, ".3f")
report.value("shadow_b", shadow_b, ".3f")
report.value("angle_b", angle_degrees(QUERY, KEYS[1]), ".0f")
report.value("cos_b", cos["B"], ".3f")
report.value("cos_a", cos["A"], ".0f")

# %% [markdown]
# ## The pitfall: a long key can outscore a better-aligned one

# %%
with report.output("pitfall"):
    # --8<-- [start:pitfall]
    weights = softmax(all_scores)  # preview of lesson 4: scores -> weights
    cosines = np.array([cosine_similarity(q, k) for k in KEYS])
    rows = zip(KEY_NAMES, all_scores, cosines, weights, strict=True)
    for name, s, c, w in rows:
        print(f"k_{name}: score {s:5.2f}  cosine {c:6.3f}  weight {w:.3f}")
    print("rank by score :", [KEY_NAMES[i] for i in np.argsort(-all_scores)])
    print("rank by cosine:", [KEY_NAMES[i] for i in np.argsort(-cosines)])
    # --8<-- [end:pitfall]
assert np.argmax(weights) == 1, "the long key B must take the largest weight"
assert weights[2] > 0, "a zero score does not give a zero weight"
report.value("w_a", weights[0], ".3f")
report.value("w_b", weights[1], ".3f")
report.value("w_c", weights[2], ".3f")
report.value("ratio_ba", by_hand[1] / by_hand[0], "g")
beat = break_even_angle(QUERY, KEYS[0], length(KEYS[1]))
assert 45 < beat < 90, f"B's length should buy it a margin past 45 degrees, got {beat}"
report.value("beat_angle", beat, ".0f")

# %% [markdown]
# ## Check-yourself numbers

# %%
cy = dot_by_hand([3, 1], [2, -1])
assert cy == 5.0, f"(3)(2) + (1)(-1) should be 5, got {cy}"
report.value("cy_dot", cy, "g")
report.value("cy_scaled", dot_by_hand([3, 1], [8, -4]), "g")

# %% [markdown]
# ## Figure: the query and the four keys as arrows

# %%
fig, ax = plt.subplots(figsize=(6.2, 5.4))
ax.axhline(0, color=report.FG_LIGHTEST, linewidth=1)
ax.axvline(0, color=report.FG_LIGHTEST, linewidth=1)
arrow_style = {"angles": "xy", "scale_units": "xy", "scale": 1, "width": 0.012}
ax.quiver(0, 0, *QUERY, color=report.FG, zorder=3, **arrow_style)
ax.text(2.12, 0.95, "query q = (2, 1)", fontsize=11, fontweight="bold", va="top")
label_at = {"A": (0.55, -0.45), "B": (-0.75, 3.6), "C": (-2.9, 2.05), "D": (-2.9, -1.2)}
for i, (name, k) in enumerate(zip(KEY_NAMES, KEYS, strict=True)):
    colour = report.PALETTE[i]
    ax.quiver(0, 0, *k, color=colour, zorder=2, **arrow_style)
    label = f"$k_{name}$ = ({k[0]:g}, {k[1]:g})\n$q \\cdot k_{name}$ = {by_hand[i]:g}"
    ax.text(*label_at[name], label, fontsize=11, color=colour, va="top")
# B's shadow on the query's line (drawn just below it): q·k_B = |q| × (shadow length)
unit_q = QUERY / length(QUERY)
shadow = (KEYS[1] @ unit_q) * unit_q
ax.plot(
    [KEYS[1][0], shadow[0]],
    [KEYS[1][1], shadow[1]],
    linestyle=":",
    color=report.PALETTE[1],
    linewidth=1.5,
)
below = 0.22 * np.array([unit_q[1], -unit_q[0]])  # a small step perpendicular to q
ax.plot(
    [below[0], shadow[0] + below[0]],
    [below[1], shadow[1] + below[1]],
    color=report.PALETTE[1],
    linewidth=6,
    alpha=0.4,
    solid_capstyle="butt",
)
ax.set_xlim(-3, 4)
ax.set_ylim(-2, 3.7)
ax.set_aspect("equal")
ax.grid(True)
ax.set_title("Dot products of one query with four keys")
report.figure(
    fig,
    "arrows",
    alt=(
        "Arrows from the origin: the query (2, 1) and four keys. Key A (1, 0.5) points the "
        "same way but is short and scores 2.5. Key B (1, 3) is 45 degrees off but long and "
        "scores 5, the highest; a dotted line drops its tip onto the query's line, and a "
        "shaded band marks that shadow, as long as the query itself. "
        "Key C (-1, 2) is perpendicular and scores 0. Key D (-2, -1) is opposite and "
        "scores -5."
    ),
    caption=(
        "The score is the query's length times the key's shadow on the query's line (shaded "
        "for B). B's shadow is twice as long as A, so B wins although A points exactly the "
        "same way."
    ),
)

# %% [markdown]
# ## Figure: score against angle for keys of different lengths

# %%
angles = np.linspace(0, 180, 361)
fig, ax = plt.subplots(figsize=(7, 3.8))
for key_length in [length(KEYS[0]), 2.0, length(KEYS[1])]:
    ax.plot(
        angles,
        length(QUERY) * key_length * np.cos(np.radians(angles)),
        label=f"key length {key_length:.2f}",
    )
ax.axhline(by_hand[0], color=report.FG_LIGHT, linestyle="--", linewidth=1)
ax.axvline(beat, color=report.FG_LIGHT, linestyle=":", linewidth=1)
ax.plot([0], [by_hand[0]], "o", color=report.PALETTE[0])
ax.plot([angle_degrees(QUERY, KEYS[1])], [by_hand[1]], "o", color=report.PALETTE[2])
ax.annotate("A", (0, by_hand[0]), xytext=(6, -14), textcoords="offset points")
ax.annotate(
    "B", (angle_degrees(QUERY, KEYS[1]), by_hand[1]), xytext=(6, 4), textcoords="offset points"
)
ax.annotate(
    f"a key as long as B beats A\nup to {beat:.0f}°",
    (beat, by_hand[0]),
    xytext=(10, 22),
    textcoords="offset points",
    fontsize=9,
)
ax.set_xlabel("angle between query and key (degrees)")
ax.set_ylabel("score q·k")
ax.set_xticks([0, 45, 90, 135, 180])
ax.grid(True)
ax.legend(fontsize=9, loc="lower left")
ax.set_title("Same angle, longer key, bigger score")
report.figure(
    fig,
    "angle",
    alt=(
        "Three cosine curves of the score q·k against the angle from 0 to 180 degrees, for "
        "keys of length 1.12, 2 and 3.16. Longer keys give taller curves. A dashed "
        f"horizontal line at key A's score 2.5 is crossed by the longest curve at about "
        f"{beat:.0f} degrees: any key that long scores more than A up to that angle."
    ),
    caption="Score = |q| |k| cos(angle): the angle sets the shape, the key's length the height.",
)
