"""The in-memory adapter passes the document-store contract."""

from __future__ import annotations

import pytest

from circles.storage.memory import MemoryStore
from tests.circles.storage.contract import DocumentStoreContract, StoreFactory


class TestMemoryStore(DocumentStoreContract):
    @pytest.fixture
    def make_store(self) -> StoreFactory:
        return MemoryStore
