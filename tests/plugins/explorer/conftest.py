"""Fixtures of the explorer tests: one fixture site per session, built and served."""

from __future__ import annotations

import json

import pytest

from .fixture_site import built_and_served


@pytest.fixture(scope="session")
def explorer_site(tmp_path_factory):
    """(base URL, site dir) of the served fixture site (see fixture_site.py)."""
    with built_and_served(tmp_path_factory.mktemp("explorer")) as (url, site):
        yield url, site


@pytest.fixture(scope="session")
def site_params(explorer_site):
    """The parameters exactly as the browser loads them (the built params.json)."""
    _, site = explorer_site
    return json.loads((site / "assets" / "explorer" / "params.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def site_trained(explorer_site):
    """The trained model exactly as the browser loads it (the built trained.json)."""
    _, site = explorer_site
    return json.loads((site / "assets" / "explorer" / "trained.json").read_text("utf-8"))
