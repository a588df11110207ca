"""The catalog: shipped kits plus community kits; broken community kits are skipped and reported."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.toolkits.conftest import SHIPPED_IDS
from tests.toolkits.factory import write_kit
from toolkits.catalog import load_catalog
from toolkits.errors import KitFormatError, KitNotFound


def test_community_kits_load_after_the_shipped_ones(tmp_path: Path) -> None:
    write_kit(tmp_path, "b-kit")
    write_kit(tmp_path, "a-kit")
    catalog = load_catalog([tmp_path])
    ids = [kit.id for kit in catalog.list()]
    assert ids == [*SHIPPED_IDS, "a-kit", "b-kit"]
    assert catalog.get("a-kit").community
    assert not catalog.get("tea-house").community
    assert "a-kit" in catalog
    assert len(catalog) == len(SHIPPED_IDS) + 2


def test_an_extra_dir_may_itself_be_one_kit(tmp_path: Path) -> None:
    folder = write_kit(tmp_path, "single")
    assert "single" in load_catalog([folder])


def test_a_broken_community_kit_is_skipped_reported_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_kit(tmp_path, "good")
    write_kit(tmp_path, "broken", manifest="id: broken\ntitle: [unclosed\n")
    with caplog.at_level(logging.WARNING, logger="toolkits.catalog"):
        catalog = load_catalog([tmp_path])
    assert "good" in catalog
    assert "broken" not in catalog
    (problem,) = catalog.problems
    assert problem.path == tmp_path / "broken"
    assert isinstance(problem.error, KitFormatError)
    assert "cannot be read" in str(problem)
    assert "Skipped community kit" in caplog.text
    assert str(tmp_path / "broken") in caplog.text


def test_a_community_kit_cannot_take_a_shipped_kit_id(tmp_path: Path) -> None:
    write_kit(tmp_path, "parcel-sorting")
    catalog = load_catalog([tmp_path])
    assert not catalog.get("parcel-sorting").community
    (problem,) = catalog.problems
    assert "uses the id parcel-sorting, which another kit already has" in str(problem)


def test_a_missing_extra_dir_is_reported_not_fatal(tmp_path: Path) -> None:
    catalog = load_catalog([tmp_path / "nowhere"])
    assert len(catalog) == len(SHIPPED_IDS)
    (problem,) = catalog.problems
    assert "does not exist" in str(problem)


def test_asking_for_an_unknown_kit_names_it(tmp_path: Path) -> None:
    with pytest.raises(KitNotFound) as caught:
        load_catalog([]).get("nope")
    assert str(caught.value) == "There is no kit named nope."
    assert caught.value.params == {"kit": "nope"}


def test_a_broken_shipped_kit_is_our_bug_and_raises(tmp_path: Path) -> None:
    write_kit(tmp_path, "shipped", license="MIT")
    with pytest.raises(KitFormatError, match="bad license"):
        load_catalog([], shipped_dir=tmp_path)


@pytest.mark.parametrize(
    "manifest",
    [
        "[" * 30000 + "]" * 30000,
        "{a: " * 3000 + "1" + "}" * 3000,
    ],
    ids=["deep-list", "deep-mapping"],
)
def test_a_deeply_nested_community_kit_yaml_is_skipped_and_reported(
    tmp_path: Path, manifest: str
) -> None:
    write_kit(tmp_path, "good")
    write_kit(tmp_path, "deep", manifest=manifest)
    catalog = load_catalog([tmp_path])
    assert "good" in catalog and "parcel-sorting" in catalog
    assert "deep" not in catalog
    (problem,) = catalog.problems
    assert problem.path == tmp_path / "deep"
    assert "nested too deeply" in str(problem)


def test_a_deeply_nested_community_template_is_skipped_and_reported(tmp_path: Path) -> None:
    write_kit(tmp_path, "good")
    write_kit(tmp_path, "deep", bodies={"en": "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}\n"})
    catalog = load_catalog([tmp_path])
    assert "good" in catalog
    (problem,) = catalog.problems
    assert "body.en.md.j2" in str(problem) and "nested too deeply" in str(problem)


def test_a_community_kit_yaml_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    write_kit(tmp_path, "huge", manifest="# padding\n" * 7000)
    (problem,) = load_catalog([tmp_path]).problems
    assert "larger than 64000 bytes" in str(problem)
