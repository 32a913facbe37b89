# %% [markdown]
# # Lesson 18: the backward pass by hand
#
# Run attention forward on three tokens, then backward, step by step: the gradient for
# the values, for the weights, through the softmax Jacobian to the scores, and on to the
# queries and keys. Check every number against finite differences, measure what the
# 1/√d_k does to the size of the gradient, and see what a mask does to it.
# The helpers live in `lesson_code/topics/backward.py`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import (
    causal_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
    softmax,
)
from lesson_code.plotting import heatmap
from lesson_code.topics.backward import (
    gradient_check,
    median_query_gradient,
    numeric_attention_gradients,
    numeric_gradient,
    query_gradient_sizes,
    relative_error,
    softmax_backward,
    softmax_jacobian,
    squared_error_loss,
    tiny_example,
)

report.style()
np.set_printoptions(precision=4, suppress=True, floatmode="fixed")

# %% [markdown]
# ## The forward pass, and the gradient the loss sends back
# Three tokens, d_k = d_v = 2. The loss is half the squared distance between the output
# and a target, so the gradient arriving at the output is simply output - target.

# %%
with report.output("forward"):
    # --8<-- [start:forward]
    q, k, v, target = tiny_example()  # each (3, 2)
    d_k = q.shape[-1]
    scores = q @ k.T / np.sqrt(d_k)  # (3, 3)
    weights = softmax(scores, axis=-1)  # (3, 3), rows sum to 1
    output = weights @ v  # (3, 2)
    loss = 0.5 * np.sum((output - target) ** 2)
    d_output = output - target  # (3, 2): dL/d output
    print("weights:\n", weights)
    print("output:\n", output)
    print(f"loss: {loss:.4f}")
    print("d_output = output - target:\n", d_output)
    # --8<-- [end:forward]
out_check, weights_check = scaled_dot_product_attention(q, k, v)
assert np.allclose(out_check, output) and np.allclose(weights_check, weights), (
    "the step-by-step forward pass must equal scaled_dot_product_attention"
)
assert np.isclose(loss, squared_error_loss(q, k, v, target)), "loss must match the helper"
report.value("loss", loss, ".4f")
report.value("w00", weights[0, 0], ".3f")
report.value("w01", weights[0, 1], ".3f")
report.value("w02", weights[0, 2], ".3f")
report.value("o00", output[0, 0], ".3f")
report.value("dout00", d_output[0, 0], ".3f")
report.value("t00", target[0, 0], "g")
report.value("n_numbers", q.size + k.size + v.size)

# %% [markdown]
# ## Step 4 backwards: output = weights @ v
# Each output row is a weighted sum of value rows. Value j reaches output i with weight
# w_ij, so its gradient collects d_output_i times w_ij from every query: weightsᵀ d_output.
# Weight w_ij multiplies v_j inside output i, so its gradient is d_output_i · v_j.

# %%
with report.output("values"):
    # --8<-- [start:values]
    d_v = weights.T @ d_output  # (3, 2): value j collects from every query that reads it
    d_weights = d_output @ v.T  # (3, 3): d_weights[i, j] = d_output_i · v_j
    print("d_v = weights.T @ d_output:\n", d_v)
    print("d_weights = d_output @ v.T:\n", d_weights)
    # --8<-- [end:values]
dv_loop = np.zeros_like(v)
for i in range(3):
    for j in range(3):
        dv_loop[j] += weights[i, j] * d_output[i]
assert np.allclose(dv_loop, d_v), "d_v must equal the loop over queries"
report.value("dv00", d_v[0, 0], ".4f")
report.value("dw00", d_weights[0, 0], ".3f")
report.value("v0", f"({v[0, 0]:g}, {v[0, 1]:g})")
report.value("dw01", d_weights[0, 1], ".3f")
report.value("dw02", d_weights[0, 2], ".3f")

# %% [markdown]
# ## Step 3 backwards: the softmax Jacobian
# For one row, d w_a / d s_b = w_a (1 - w_a) if a = b and -w_a w_b otherwise:
# diag(w) - w wᵀ. Here it is for the first query's row of weights.

# %%
with report.output("jacobian"):
    # --8<-- [start:jacobian_row]
    w = weights[0]  # (3,): the first query's weights
    jac = softmax_jacobian(w)  # (3, 3): jac[a, b] = d w_a / d s_b
    print("w =", w)
    print("J = diag(w) - w wᵀ:\n", jac)
    print("largest |row sum|:", f"{np.abs(jac.sum(axis=1)).max():.0e}")
    print("symmetric:", np.allclose(jac, jac.T))
    # --8<-- [end:jacobian_row]
jac_numeric = np.stack(
    [numeric_gradient(lambda s, a=a: softmax(s)[a], scores[0]) for a in range(3)]
)  # (3, 3): row a = gradient of w_a with respect to the three scores
assert relative_error(jac, jac_numeric) < 1e-8, "the Jacobian must match finite differences"
assert np.allclose(jac.sum(axis=1), 0) and np.allclose(jac, jac.T), "rows sum to 0; symmetric"
shifted = softmax(scores[0] + 5.0)
assert np.allclose(shifted, w), "adding 5 to every score must not move the weights"
report.value("j00", jac[0, 0], ".3f")
report.value("j01", jac[0, 1], ".3f")
report.value("j11", jac[1, 1], ".3f")
report.value("jac_row_sum", report.scientific(np.abs(jac.sum(axis=1)).max(), 0))

# %%
fig, ax = plt.subplots(figsize=(4.6, 3.4), layout="constrained")
limit = np.abs(jac).max()
heatmap(
    ax,
    jac,
    [f"w{a + 1}" for a in range(3)],
    [f"s{b + 1}" for b in range(3)],
    fmt=".3f",
    cmap="RdBu_r",
    vmin=-limit,
    vmax=limit,
    fontsize=12,
    colorbar_label="d w / d s",
)
ax.tick_params(labelsize=12)
plt.setp(ax.get_xticklabels(), rotation=0, ha="center")
report.figure(
    fig,
    "jacobian_map",
    alt=(
        "Three by three heatmap of the softmax Jacobian for the weights "
        f"{w[0]:.3f}, {w[1]:.3f}, {w[2]:.3f}: the diagonal is positive (red, "
        f"{jac[0, 0]:.3f} at the top left), every other cell is negative (blue), the matrix "
        "is symmetric and each row adds up to zero."
    ),
    caption=(
        "The softmax Jacobian of the first query's row: raising a score raises its own "
        "weight (diagonal) and lowers all the others."
    ),
)

# %% [markdown]
# ## The cheap product: w * (g - w·g)
# The backward pass only needs J times the row's weight gradient g. Expanding
# (diag(w) - w wᵀ) g gives w * g - w (w·g) = w * (g - w·g): no n-by-n matrix.

# %%
with report.output("cheap"):
    # --8<-- [start:cheap]
    g = d_weights[0]  # (3,): the first query's weight gradient
    with_matrix = jac @ g  # builds the (3, 3) matrix first
    cheap = w * (g - w @ g)  # one weighted average, no matrix
    print("w·g          ", f"{w @ g:.4f}")
    print("J @ g        ", with_matrix)
    print("w * (g - w·g)", cheap)
    print("largest gap  ", f"{np.abs(with_matrix - cheap).max():.1e}")
    # --8<-- [end:cheap]
assert np.allclose(with_matrix, cheap, atol=1e-15), "J g must equal the cheap product"
assert np.allclose(cheap, softmax_backward(w, g)), "the helper must compute the same"
report.value("wg", w @ g, ".4f")
report.value("cheap_diff", report.scientific(np.abs(with_matrix - cheap).max() + 1e-300))
report.value("ds00", cheap[0], ".4f")
report.value("ds01", cheap[1], ".4f")
report.value("ds02", cheap[2], ".4f")
sign_0 = "positive" if cheap[0] > 0 else "negative"
assert g[0] > w @ g and cheap[0] > 0, "key 1's weight gradient beats the average here"
assert g[1] < w @ g and cheap[1] < 0, "key 2's weight gradient is below the average here"

# %% [markdown]
# ## Steps 3 and 2 backwards for every query: scores, then q and k
# scores = q kᵀ / √d_k, so d_q = d_scores k / √d_k and d_k = d_scoresᵀ q / √d_k.

# %%
with report.output("scores_qk"):
    # --8<-- [start:scores_qk]
    row_average = np.sum(weights * d_weights, axis=-1, keepdims=True)  # (3, 1)
    d_scores = weights * (d_weights - row_average)  # (3, 3), each row sums to 0
    d_q = d_scores @ k / np.sqrt(d_k)  # (3, 2): query i collects from the keys it scored
    d_k_ = d_scores.T @ q / np.sqrt(d_k)  # (3, 2): key j collects from every query
    print("d_scores:\n", d_scores)
    print("d_q:\n", d_q)
    print("d_k:\n", d_k_)
    # --8<-- [end:scores_qk]
assert np.allclose(d_scores[0], cheap), "row 0 must be the cheap product computed above"
assert np.allclose(d_scores.sum(axis=1), 0), "every row of d_scores sums to 0"
report.value("dq00", d_q[0, 0], ".4f")

# %% [markdown]
# ## The same, from the course code
# `scaled_dot_product_attention_backward` does exactly these steps.

# %%
with report.output("course"):
    # --8<-- [start:course]
    course_grads = scaled_dot_product_attention_backward(q, k, v, d_output)
    for name, mine, theirs in zip(
        ("d_q", "d_k", "d_v"), (d_q, d_k_, d_v), course_grads, strict=True
    ):
        print(f"{name} equal to the steps above: {np.allclose(mine, theirs)}")
    # --8<-- [end:course]
for mine, theirs in zip((d_q, d_k_, d_v), course_grads, strict=True):
    assert np.allclose(mine, theirs), "the course function must equal the steps shown"

# %% [markdown]
# ## The gradient check
# Nudge every number of q, k and v up and down by a step h, recompute the loss, and
# divide the change by 2h. Compare with the hand-derived gradients.

# %%
STEP = 1e-6
with report.output("check"):
    # --8<-- [start:check]
    numeric = numeric_attention_gradients(q, k, v, target, step=STEP)  # central differences
    for name, mine, est in zip(("d_q", "d_k", "d_v"), course_grads, numeric, strict=True):
        print(f"{name}: relative error {relative_error(mine, est):.1e}")
    # --8<-- [end:check]
errors = [relative_error(a, n) for a, n in zip(course_grads, numeric, strict=True)]
max_error = max(errors)
assert max_error < 1e-8, f"the gradient check must pass, got {max_error:.1e}"
assert np.isclose(max_error, gradient_check(q, k, v, target, step=STEP)), "helper must agree"
report.value("step", report.scientific(STEP, 0))
report.value("max_rel_error", report.scientific(max_error))
report.value("digits", int(-np.log10(max_error)))  # significant digits that agree

# %% [markdown]
# ## Which step? Rounding against truncation
# Too large a step measures the curve, not its slope (truncation); too small a step
# subtracts two nearly equal numbers and keeps mostly rounding error.

# %%
STEPS = [10.0**-p for p in range(1, 13)]
with report.output("steps"):
    # --8<-- [start:steps]
    print("   step    central   one-sided")
    central, one_sided = [], []
    for h in STEPS:
        central.append(gradient_check(q, k, v, target, step=h, central=True))
        one_sided.append(gradient_check(q, k, v, target, step=h, central=False))
        print(f"{h:7.0e}  {central[-1]:9.1e}  {one_sided[-1]:9.1e}")
    # --8<-- [end:steps]
central, one_sided = np.array(central), np.array(one_sided)
best_central = STEPS[int(np.argmin(central))]
best_one_sided = STEPS[int(np.argmin(one_sided))]
assert central.min() < one_sided.min() / 10, "central differences must do clearly better"
assert 1e-7 <= best_central <= 1e-4, f"central error should bottom out near 1e-5: {best_central}"
assert central[0] > 100 * central.min() and central[-1] > 100 * central.min(), "a U shape"
at = STEPS.index(STEP)
assert central[at] < 100 * central.min(), "the chosen step must sit near the bottom"
report.value("err_big", report.scientific(central[0]))
report.value("err_tiny", report.scientific(central[-1]))
report.value("err_best", report.scientific(central.min()))
report.value("best_central", report.scientific(best_central, 0))
report.value("best_one_sided", report.scientific(best_one_sided, 0))
report.value("err_best_one_sided", report.scientific(one_sided.min()))
report.value("err_one_sided_at_step", report.scientific(one_sided[at]))
report.value("eps", report.scientific(np.finfo(float).eps))

# %%
fig, ax = plt.subplots(figsize=(5.6, 3.6), layout="constrained")
ax.loglog(STEPS, central, marker="o", label="central")
ax.loglog(STEPS, one_sided, marker="s", linestyle="--", label="one-sided")
ax.axvline(STEP, color=report.FG_LIGHT, linewidth=1, linestyle=":")
ax.annotate(f"h = {STEP:g}", (STEP, central.max()), xytext=(4, 0), textcoords="offset points")
ax.set_xlabel("step h")
ax.set_ylabel("relative error")
ax.invert_xaxis()
ax.grid(True, linewidth=0.6)
ax.legend(loc="lower left")
report.figure(
    fig,
    "step_error",
    alt=(
        "Log-log plot of the gradient check's relative error against the step h, from 0.1 "
        "down to 1e-12. Both curves fall as h shrinks, reach a minimum, then rise again as "
        f"rounding takes over; the central curve bottoms out near h = {best_central:.0e} at "
        f"about {central.min():.0e}, far below the one-sided curve's best, about "
        f"{one_sided.min():.0e}."
    ),
    caption=(
        "Error of the gradient check against the step: truncation on the left, rounding "
        "on the right. Central differences win by orders of magnitude."
    ),
)

# %% [markdown]
# ## The misconception: "the softmax's derivative is w(1 - w)"
# Using only the diagonal of the Jacobian, d_scores = w (1 - w) g, drops the -w_a w_b
# terms: every other weight has to shrink when one grows.

# %%
with report.output("naive"):
    # --8<-- [start:naive]
    naive_scores = weights * (1 - weights) * d_weights  # diagonal of J only
    naive_q = naive_scores @ k / np.sqrt(d_k)
    print("naive row sums:", naive_scores.sum(axis=1))
    print("naive d_q:\n", naive_q)
    print(f"naive d_q relative error: {relative_error(naive_q, numeric[0]):.2f}")
    # --8<-- [end:naive]
naive_error = relative_error(naive_q, numeric[0])
assert naive_error > 0.1, f"the diagonal-only gradient must fail the check, got {naive_error}"
assert np.abs(naive_scores.sum(axis=1)).max() > 0.01, "its rows do not sum to 0"
report.value("naive_error", naive_error, ".2f")
report.value("naive_row_sum", naive_scores[0].sum(), ".3f")

# %% [markdown]
# ## Gradient size with and without 1/√d_k
# Random unit-variance queries and keys, as at initialisation: 16 tokens, 200 draws per
# key size. Measure the length of each query's gradient, with and without the scaling.

# %%
DIMS = [4, 8, 16, 32, 64, 128, 256, 512]
N_TOKENS, D_V, N_DRAWS = 16, 16, 200  # tokens per draw, value width, draws per key size
SMALL = 0.01  # a query gradient this short barely moves W_Q
with report.output("gradient_size"):
    # --8<-- [start:gradient_size]
    print("       median |d_q|      unscaled")
    print(" d_k   scaled unscaled   share < 0.01")
    sizes = {True: [], False: []}  # scaled or not -> one (3200,) array per key size
    for dim in DIMS:
        for scaled in (True, False):
            sizes[scaled].append(query_gradient_sizes(dim, scaled, N_TOKENS, D_V, N_DRAWS, seed=18))
        s, u = sizes[True][-1], sizes[False][-1]
        print(f"{dim:4d} {np.median(s):8.3f} {np.median(u):8.3f} {np.mean(u < SMALL):9.0%}")
    # --8<-- [end:gradient_size]
med_s = np.array([np.median(s) for s in sizes[True]])
med_u = np.array([np.median(u) for u in sizes[False]])
tiny_share = [np.mean(u < SMALL) for u in sizes[False]]
assert med_s.max() / med_s.min() < 1.5, f"scaled gradients should keep their size: {med_s}"
assert med_u[0] > med_s[0], "at d_k = 4 the unscaled gradient is even larger"
assert med_u[-1] < med_s[-1] / 20, "at d_k = 512 the unscaled gradient has nearly vanished"
peak = int(np.argmax(med_u))
assert np.all(np.diff(med_u[peak:]) < 0), "after its peak, the unscaled median keeps falling"
assert np.mean(sizes[True][-1] < SMALL) < 0.01, "with scaling almost no query is starved"
assert np.isclose(med_u[-1], median_query_gradient(512, scaled=False, seed=18)), "helper agrees"
report.value("small", SMALL)
report.value("peak_dim", DIMS[peak])
report.value("n_tokens", N_TOKENS)
report.value("d_v", D_V)
report.value("n_draws", N_DRAWS)
report.value("med_s_4", med_s[0], ".2f")
report.value("med_u_4", med_u[0], ".2f")
report.value("med_s_512", med_s[-1], ".2f")
report.value("med_u_512", med_u[-1], ".3f")
report.value("shrink_512", med_s[-1] / med_u[-1], ".0f")
report.value("tiny_share_512", tiny_share[-1], ".0%")
report.value("tiny_share_64", tiny_share[DIMS.index(64)], ".0%")
report.value("p95_u_512", np.percentile(sizes[False][-1], 95), ".1f")
report.value("p95_s_512", np.percentile(sizes[True][-1], 95), ".1f")

# %%
fig, ax = plt.subplots(figsize=(5.6, 3.8), layout="constrained")
for scaled, label, marker in ((True, "÷ √d_k", "o"), (False, "no scaling", "s")):
    low, mid, high = (np.array([np.percentile(r, p) for r in sizes[scaled]]) for p in (10, 50, 90))
    line = ax.plot(DIMS, mid, marker=marker, label=label)[0]
    ax.fill_between(DIMS, low, high, color=line.get_color(), alpha=0.18, linewidth=0)
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xticks(DIMS, [str(d) for d in DIMS])
ax.set_xlabel("key size d_k")
ax.set_ylabel("|d_q| per query")
ax.grid(True, linewidth=0.6)
ax.legend(loc="lower left")
report.figure(
    fig,
    "gradient_size",
    alt=(
        "Log-scale plot of the length of each query's gradient against the key size, from "
        "4 to 512, as a median line with a band from the 10th to the 90th percentile. With "
        f"the division by √d_k the median stays near {med_s.mean():.1f} at every size. "
        f"Without it the median starts higher ({med_u[0]:.1f} at 4) and then falls to "
        f"{med_u[-1]:.3f} at 512, while its band stretches over several powers of ten."
    ),
    caption=(
        "Median length of a query's gradient (line) and the middle 80% of queries (band), "
        "for random queries and keys."
    ),
)

# %% [markdown]
# ## Masks: a blocked key gets weight 0, so it gets gradient 0
# Under a causal mask, query 1 sees only key 1: its weight is 1 whatever the scores, so
# its query gets no gradient at all.

# %%
with report.output("mask"):
    # --8<-- [start:mask]
    mask = causal_mask(3)  # (3, 3), True = may attend
    out_m, weights_m = scaled_dot_product_attention(q, k, v, mask)
    d_out_m = out_m - target
    d_q_m, d_k_m, d_v_m = scaled_dot_product_attention_backward(q, k, v, d_out_m, mask)
    d_scores_m = softmax_backward(weights_m, d_out_m @ v.T)  # (3, 3)
    print("weights under the causal mask:\n", weights_m)
    print("d_scores (0 wherever the weight is 0):\n", d_scores_m + 0.0)  # + 0.0: no "-0"
    print("d_q:\n", d_q_m)
    # --8<-- [end:mask]
assert np.all(d_scores_m[~mask] == 0), "blocked scores must get exactly zero gradient"
assert np.all(d_q_m[0] == 0), "the first query under a causal mask gets no gradient"
mask_error = gradient_check(q, k, v, target, mask=mask)
assert mask_error < 1e-8, f"the gradient check must pass under the mask too: {mask_error}"
report.value("mask_error", report.scientific(mask_error))
# the last key is read by the last query only: everything it gets comes from there
assert np.allclose(d_v_m[2], weights_m[2, 2] * d_out_m[2]), "d_v of key 3 comes from query 3"
# a key blocked for every query (padding) gets nothing at all
pad = np.array([[True, True, False]] * 3)
_, d_k_pad, d_v_pad = scaled_dot_product_attention_backward(
    q, k, v, scaled_dot_product_attention(q, k, v, pad)[0] - target, pad
)
assert np.all(d_k_pad[2] == 0) and np.all(d_v_pad[2] == 0), "a padded key gets no gradient"
