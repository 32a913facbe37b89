"""README.md's "Budgets" table is the one generated from bench/budgets.py."""

from __future__ import annotations

from bench import budgets


def test_readme_budget_table_is_the_declared_one():
    text = budgets.README.read_text(encoding="utf-8")
    shown = budgets.readme_block(text)
    assert shown is not None, (
        f"README.md has lost its budget markers; put them back where the table goes:\n"
        f"{budgets.README_START}\n{budgets.README_END}\nthen run: {budgets.REGENERATE}"
    )
    assert shown == budgets.readme_table(), (
        "README.md's budget table differs from bench/budgets.py (the one declaration); "
        f"regenerate it: {budgets.REGENERATE}"
    )


def test_every_budget_names_a_test_that_exists_or_none():
    """A budget marked as enforced by a test points at a real test file."""
    missing = [
        f"{name}: {b.test}"
        for name, b in budgets.BUDGETS.items()
        if b.test and not (budgets.README.parent / b.test).is_file()
    ]
    assert not missing, missing
