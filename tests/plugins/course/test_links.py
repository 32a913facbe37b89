"""Links and nav entries to pages the site does not have: found with their line."""

from __future__ import annotations

import textwrap

from plugins.course.links import missing_links, missing_nav_entries, nav_paths

PAGES = ["index.md", "lessons/01-rnn-bottleneck.md", "lessons/02-soft-lookup.md", "faq.md"]


def test_a_link_to_a_missing_page_is_found_at_its_line_with_the_closest_page():
    page = textwrap.dedent("""\
        # Softmax

        See [the lookup](02-soft-lokup.md#weights) and [home](../index.md).
        A [site](https://example.org/x.md), an [anchor](#top), a ![figure](pic.png).

        ```
        [not a link](nowhere.md)
        ```
        And `[inline code](nowhere.md)`, then [the FAQ](../faq.md "questions").
        [gone](../gone.md)
    """)
    assert missing_links(page, "lessons/04-softmax.md", PAGES) == [
        (3, "02-soft-lokup.md#weights", "02-soft-lookup.md"),
        (10, "../gone.md", ""),
    ]


def test_nav_paths_walk_sections_and_skip_urls():
    nav = [
        {"Home": "index.md"},
        {"Why attention": [{"RNN": "lessons/01-rnn-bottleneck.md"}, "faq.md"]},
        {"GitHub": "https://github.com/x"},
    ]
    assert nav_paths(nav) == ["index.md", "lessons/01-rnn-bottleneck.md", "faq.md"]


def test_a_nav_entry_to_a_missing_page_names_its_mkdocs_yml_line(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: T\nnav:\n  - Home: index.md\n  - Lookup: lessons/02-soft-lokup.md\n"
    )
    nav = [{"Home": "index.md"}, {"Lookup": "lessons/02-soft-lokup.md"}]
    assert missing_nav_entries(config, nav, PAGES) == [
        "mkdocs.yml:4: nav entry lessons/02-soft-lokup.md is not a page of docs/; did you mean "
        "lessons/02-soft-lookup.md? (fix the path, or create the page)"
    ]
