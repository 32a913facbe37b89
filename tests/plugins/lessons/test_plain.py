"""plain_script: a lesson script without its report calls, exactly."""

from __future__ import annotations

import pytest

from plugins.lessons.plain import PlainError, plain_script

SCRIPT = """\
# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code import report
from lesson_code.attention import softmax

report.style()

# %%
with report.output("basic"):
    # the weights
    w = softmax(np.array([1.0, 2.0]))
    for x in w:
        print(x)
report.value("top", w[1], ".3f")
for k in range(2):
    report.value(f"w_{k}", w[k], ".2f")

# %%
fig, ax = plt.subplots()
ax.axhline(0, color=report.FG_LIGHT)
ax.bar([0, 1], w, color=report.PALETTE[0])
report.figure(
    fig,
    "bars",
    alt="Two bars: the second is taller.",
)
report.widget("w", "softmax-temperature", {}, label="Try it")
"""

EXPECTED = """\
# %%
import matplotlib.pyplot as plt
import numpy as np

from lesson_code.attention import softmax

# Figure colours and settings (the site draws figures in the page's colours)
FG_LIGHT = "#757575"
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
plt.rcParams.update(
    {
        "font.size": 11,
        "axes.prop_cycle": plt.cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "lines.linewidth": 2,
    }
)

# %%
# the weights
w = softmax(np.array([1.0, 2.0]))
for x in w:
    print(x)
for k in range(2):
    pass

# %%
fig, ax = plt.subplots()
ax.axhline(0, color=FG_LIGHT)
ax.bar([0, 1], w, color=PALETTE[0])
plt.show()
"""


def test_report_calls_become_plain_code():
    assert plain_script(SCRIPT) == EXPECTED


def test_a_script_without_report_is_left_as_it_is():
    text = "import numpy as np\nprint(np.ones(2))  # a comment\n"
    assert plain_script(text) == text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("x = report.value('a', 1)", "lesson.py:3: report.value has no plain equivalent"),
        ("print(report.OUTPUT_ENV)", "lesson.py:3: report.OUTPUT_ENV has no plain equivalent"),
        (
            "with report.output('a'), open('f') as f:\n    print(1)",
            "lesson.py:3: give report.output(...) a with statement of its own",
        ),
    ],
)
def test_a_use_of_report_with_no_plain_equivalent_names_its_line(line, message):
    script = f"from lesson_code import report\n\n{line}\n"
    with pytest.raises(PlainError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        plain_script(script, "lesson.py")
