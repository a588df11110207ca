"""Loading kit folders: the shipped kits are complete, and malformed folders are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.toolkits.conftest import SHIPPED_IDS
from tests.toolkits.factory import MINIMAL_YAML, write_kit
from toolkits.catalog import Catalog, shipped_kits_dir
from toolkits.errors import KitError, KitFormatError, KitNotFound
from toolkits.kit import SHIPPED_LICENSE, load_kit


def test_the_five_shipped_kits_load(catalog: Catalog) -> None:
    assert tuple(kit.id for kit in catalog.list()) == SHIPPED_IDS
    assert catalog.problems == ()


@pytest.mark.parametrize("kit_id", SHIPPED_IDS)
def test_shipped_kits_are_complete_in_both_languages(catalog: Catalog, kit_id: str) -> None:
    kit = catalog.get(kit_id)
    assert kit.languages == ("zh", "en")
    assert kit.license == SHIPPED_LICENSE
    assert not kit.community
    assert kit.version
    assert kit.authors_text("en").startswith("CAN ")
    assert kit.authors_text("zh").startswith("CAN ")
    for text in (kit.title, kit.summary, kit.audience, kit.scenario):
        assert set(text.texts) == {"zh", "en"}
    for parameter in kit.parameters:
        assert set(parameter.label.texts) == {"zh", "en"}


def test_parcel_sorting_declares_the_parameters_the_spec_names(catalog: Catalog) -> None:
    parameters = {p.name: p for p in catalog.get("parcel-sorting").parameters}
    assert parameters["neighborhood"].type == "str"
    assert parameters["buildings"].type == "ranges"
    assert parameters["group_size"].type == "int"
    assert parameters["group_size"].min == 1


def test_a_minimal_community_kit_loads(tmp_path: Path) -> None:
    kit = load_kit(write_kit(tmp_path, "mini"), community=True)
    assert kit.id == "mini"
    assert kit.community
    assert kit.title.get("zh") == "测试工具包"
    assert kit.parameters[0].default("en") == "neighbor"


def test_a_kit_with_one_language_says_so_when_asked_for_the_other(tmp_path: Path) -> None:
    kit = load_kit(write_kit(tmp_path, "solo", bodies={"en": "Hi\n"}), community=True)
    assert kit.languages == ("en",)
    with pytest.raises(KitNotFound, match="not available in zh; it has en"):
        kit.require_language("zh")


def _broken(tmp_path: Path, replace: tuple[str, str] = ("", ""), **kwargs: object) -> Path:
    manifest = MINIMAL_YAML.format(kit_id="broken", license="CC BY-SA 4.0")
    if replace[0]:
        assert replace[0] in manifest
        manifest = manifest.replace(*replace)
    return write_kit(tmp_path, "broken", manifest=manifest, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("replace", "fragment"),
    [
        (("id: broken", "id: other"), "has id other, but its folder is named broken"),
        (("id: broken", "id: Broken Kit"), "bad id"),
        (
            ('version: "0.1"', "version: 0.1"),
            'bad version: it should be text in quotes, like "1.0"',
        ),
        (("title: {zh: 测试工具包, en: Test kit}\n", ""), "needs title"),
        (("title: {zh: 测试工具包, en: Test kit}", "title: {fr: Kit}"), "bad title"),
        (("authors: [Test circle]", "authors: []"), "bad authors"),
        (("license: CC BY-SA 4.0", "license: MIT"), 'bad license: it should be "CC BY-SA 4.0"'),
        (("type: str", "type: float"), "bad parameter name type: it should be one of str"),
        (("name: name", "name: kit"), "bad parameter kit: it should be a lowercase name"),
        (("max_length: 20", "max_lenght: 20"), "unknown key max_lenght in parameter name"),
        (
            ("max_length: 20", "max_length: 3"),
            "default for parameter name that fails its own check",
        ),
        (("scenario: tests", "scenario: tests\ncolour: red"), "unknown key colour"),
        (("audience: testers", "audience: [testers"), "cannot be read"),
    ],
)
def test_malformed_shipped_kits_are_refused_with_a_clear_sentence(
    tmp_path: Path, replace: tuple[str, str], fragment: str
) -> None:
    with pytest.raises(KitFormatError) as caught:
        load_kit(_broken(tmp_path, replace), community=False)
    assert fragment in str(caught.value)


def test_a_folder_without_kit_yaml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(KitFormatError, match=r"has no kit\.yaml"):
        load_kit(tmp_path / "empty", community=True)


def test_a_kit_without_body_template_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KitFormatError, match="has no body template"):
        load_kit(_broken(tmp_path, bodies={}), community=True)


def test_template_syntax_errors_are_found_when_loading(tmp_path: Path) -> None:
    with pytest.raises(KitFormatError, match=r"body\.en\.md\.j2 .* syntax error on line 2"):
        load_kit(_broken(tmp_path, bodies={"en": "ok\n{% for x in %}\n"}), community=True)


def test_template_links_are_refused(tmp_path: Path) -> None:
    folder = _broken(tmp_path)
    (folder / "leak.j2").symlink_to("/etc/hostname")
    with pytest.raises(KitFormatError, match="links are not allowed"):
        load_kit(folder, community=True)


def test_kit_errors_keep_a_translatable_template_and_its_values() -> None:
    error = KitError("The kit {kit} is {state}.", kit="tea-house", state="ready")
    assert str(error) == "The kit tea-house is ready."
    assert error.message == "The kit {kit} is {state}."
    assert error.params == {"kit": "tea-house", "state": "ready"}


def test_shipped_kits_dir_is_inside_the_package() -> None:
    assert shipped_kits_dir().name == "kits"
    assert (shipped_kits_dir() / "parcel-sorting" / "kit.yaml").is_file()
