"""Fixtures for kit tests: the shipped catalog and a renderer on a fixed public URL."""

from __future__ import annotations

import pytest

from toolkits.catalog import Catalog, load_catalog
from toolkits.render import Renderer

PUBLIC_URL = "https://can.example.org"
SHIPPED_IDS = ("community-handshake", "parcel-sorting", "relay-event", "return-trip", "tea-house")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog([])


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    return Renderer(PUBLIC_URL)
