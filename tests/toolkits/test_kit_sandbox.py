"""The sandbox: hostile community templates are refused and the caller keeps running."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.toolkits.conftest import PUBLIC_URL
from tests.toolkits.factory import write_kit
from toolkits.errors import KitError, KitRefused, KitRenderError
from toolkits.kit import Kit, load_kit
from toolkits.render import Renderer
from toolkits.sandbox import Sandbox, SandboxLimits, _child_environment
from toolkits.worker import ValueTooBig, check_binop

LIMITS = SandboxLimits(seconds=1.0, max_chars=50_000, memory_bytes=256 * 2**20)


@pytest.fixture
def sandboxed() -> Renderer:
    return Renderer(PUBLIC_URL, sandbox=Sandbox(LIMITS))


def _community_kit(tmp_path: Path, body: str) -> Kit:
    return load_kit(write_kit(tmp_path, "community", bodies={"en": body}), community=True)


def test_a_well_behaved_community_kit_renders_in_the_sandbox(
    tmp_path: Path, sandboxed: Renderer
) -> None:
    body = "Hi {{ name }}: {{ [1, 2, 3, 5] | ranges }} at {{ 90 | clock }} ({{ kit.title }})\n"
    markdown = sandboxed.markdown(_community_kit(tmp_path, body), "en", {"name": "<Ann>"})
    assert markdown.endswith("Hi \\<Ann\\>: 1–3, 5 at 01:30 (Test kit)\n")
    html = sandboxed.html(_community_kit(tmp_path, body), "en", {"name": "<Ann>"})
    assert "Hi &lt;Ann&gt;" in html


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        ("{{ 'a' * 10**9 }}", "tried to build a value too large"),
        ("{{ [0] * 10**9 }}", "tried to build a value too large"),
        ("{{ 10 ** 100000 }}", "tried to build a value too large"),
        ("{% for i in range(10**12) %}x{% endfor %}", "tried to build a value too large"),
        ("{% for i in range(100000) %}0123456789{% endfor %}", "wrote more than 50000 characters"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "took longer than its limit of 1 s",
        ),
        (
            "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
            "needed too much memory",
        ),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "tried to reach something"),
        ("{{ self.__init__.__globals__ }}", "tried to reach something"),
        ("{{ cycler.__init__.__globals__.os.environ }}", "tried to reach something"),
        ("{{ lipsum.__globals__['os'].popen('id').read() }}", "tried to reach something"),
        ("{{ kit.__class__ }}", "tried to reach something"),
        ("{{ kit.update({'x': 1}) }}", "tried to reach something"),
        ("{% include '/etc/passwd' %}", "tried to include /etc/passwd"),
        ("{% include '../kit.yaml' %}", "tried to include ../kit.yaml"),
        ("{% import 'os' as os %}{{ os }}", "tried to include os"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself without end"),
    ],
)
def test_hostile_templates_are_refused(
    tmp_path: Path, sandboxed: Renderer, body: str, refusal: str
) -> None:
    kit = _community_kit(tmp_path, body)
    with pytest.raises(KitRefused) as caught:
        sandboxed.markdown(kit, "en", {})
    assert refusal in str(caught.value)
    assert caught.value.params["kit"] == "community"


@pytest.mark.parametrize("body", ["{{ environ }}", "{{ config.SECRET_KEY }}", "{{ os.getcwd() }}"])
def test_the_environment_and_modules_are_simply_not_there(
    tmp_path: Path, sandboxed: Renderer, body: str
) -> None:
    with pytest.raises(KitRenderError, match="uses a name it never defines"):
        sandboxed.markdown(_community_kit(tmp_path, body), "en", {})


def test_the_caller_keeps_working_after_a_refusal(tmp_path: Path, sandboxed: Renderer) -> None:
    with pytest.raises(KitError):
        sandboxed.markdown(_community_kit(tmp_path / "a", "{{ 'x' * 10**9 }}"), "en", {})
    kit = _community_kit(tmp_path / "b", "still here\n")
    assert sandboxed.markdown(kit, "en", {}).endswith("still here\n")


def test_a_shipped_kit_with_the_same_template_is_not_sandboxed(tmp_path: Path) -> None:
    # Shipped kits use the normal environment: the sandbox is for community kits only.
    body = "{{ 'ab' * 3 }} {{ kit.__class__.__name__ }}\n"
    kit = load_kit(write_kit(tmp_path, "trusted", bodies={"en": body}), community=False)
    assert Renderer(PUBLIC_URL).markdown(kit, "en", {}).endswith("ababab dict\n")


def test_the_child_gets_no_secrets_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_TOKEN", "123:secret")
    env = _child_environment()
    assert "TELEGRAM_TOKEN" not in env
    assert "secret" not in " ".join(env.values())


@pytest.mark.parametrize(
    ("operator", "left", "right"),
    [
        ("*", "a", 10**6),
        ("*", 10**6, [1]),
        ("*", 2**3000, 2**3000),
        ("**", 10, 10**4),
        ("+", "a" * 600, "b" * 600),
    ],
)
def test_binop_guard_stops_huge_values_before_they_are_built(
    operator: str, left: object, right: object
) -> None:
    with pytest.raises(ValueTooBig):
        check_binop(operator, left, right, max_sequence=1000)


@pytest.mark.parametrize(
    ("operator", "left", "right"),
    [("*", "ab", 3), ("*", 12, 12), ("**", 2, 64), ("+", "a", "b"), ("*", True, "x"), ("-", 1, 2)],
)
def test_binop_guard_lets_ordinary_arithmetic_through(
    operator: str, left: object, right: object
) -> None:
    check_binop(operator, left, right, max_sequence=1000)


def test_a_community_kit_title_is_escaped_in_every_format(
    tmp_path: Path, sandboxed: Renderer
) -> None:
    manifest = (
        "id: titled\nversion: '1'\ntitle: '<script>x</script> *t*'\nsummary: s\n"
        "audience: a\nscenario: s\nauthors: ['<b>me</b>']\nlicense: CC0\n"
    )
    kit = load_kit(
        write_kit(tmp_path, "titled", manifest=manifest, bodies={"en": "body\n"}), community=True
    )
    html = sandboxed.html(kit, "en", {})
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; *t*" in html
    assert sandboxed.markdown(kit, "en", {}).startswith("# \\<script\\>x\\</script\\> \\*t\\*\n")


SIGNS = "{% for i in range(4000) %}::: sign n1\n# {{ i }}\n:::\n{% endfor %}"


def test_a_community_pdf_past_its_deadline_is_stopped_and_the_next_one_prints(
    tmp_path: Path,
) -> None:
    # 4,000 signs (under the text cap) took WeasyPrint 76 s and 541 MB before it had a limit.
    limits = SandboxLimits(seconds=5.0, pdf_seconds=1.0, max_pages=10_000)
    renderer = Renderer(PUBLIC_URL, sandbox=Sandbox(limits))
    hostile = _community_kit(tmp_path / "a", SIGNS)
    started = time.perf_counter()
    with pytest.raises(KitRefused, match="took longer than its limit of 1 s"):
        renderer.pdf(hostile, "en", {})
    assert time.perf_counter() - started < 15
    assert renderer.pdf(_community_kit(tmp_path / "b", "Hello {{ name }}.\n"), "en", {}).startswith(
        b"%PDF-"
    )


def test_a_community_pdf_over_the_page_cap_is_refused(tmp_path: Path) -> None:
    renderer = Renderer(PUBLIC_URL, sandbox=Sandbox(SandboxLimits(max_pages=3)))
    kit = _community_kit(tmp_path, "{% for i in range(5) %}::: sign\n# {{ i }}\n:::\n{% endfor %}")
    with pytest.raises(KitRefused, match="more than 3 pages"):
        renderer.pdf(kit, "en", {})


def test_a_community_pdf_runs_under_the_memory_cap(tmp_path: Path) -> None:
    # Too little memory even to load WeasyPrint: the child fails, the caller gets a refusal.
    renderer = Renderer(PUBLIC_URL, sandbox=Sandbox(SandboxLimits(pdf_memory_bytes=48 * 2**20)))
    with pytest.raises(KitRefused, match="needed too much memory"):
        renderer.pdf(_community_kit(tmp_path, "Hello.\n"), "en", {})
