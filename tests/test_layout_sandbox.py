"""The layout's sandbox remembers its verdict on each (type, attribute) a template reads (issue
15: asking anew for every read was a third of a large plan's layout). The verdicts must stay
the sandbox's own: unsafe reads refused, mutating methods refused, on every read."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from apdoc.layout import render


def sandbox() -> ImmutableSandboxedEnvironment:
    return render._environment(None)


class Item:
    def __init__(self, name: str) -> None:
        self.name = name


def test_the_verdict_on_an_attribute_is_asked_once_per_type(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, str]] = []
    verdict = ImmutableSandboxedEnvironment.is_safe_attribute

    def counted(self: ImmutableSandboxedEnvironment, obj: object, attr: str, value: object) -> bool:
        asked.append((type(obj).__name__, attr))
        return verdict(self, obj, attr, value)

    monkeypatch.setattr(ImmutableSandboxedEnvironment, "is_safe_attribute", counted)
    template = sandbox().from_string("{% for item in items %}{{ item.name }}{% endfor %}")
    assert template.render(items=[Item(str(n)) for n in range(500)]) == "".join(str(n) for n in range(500))
    assert asked == [("Item", "name")]


@pytest.mark.parametrize("source", [
    "{{ item.name }}{{ item.__class__.__init__.__globals__ }}",  # a safe read first, then an unsafe one
    "{{ item.name }}{{ item.__dict__ }}",
])
def test_an_unsafe_attribute_stays_refused_after_safe_ones(source: str) -> None:
    with pytest.raises((SecurityError, UndefinedError)):
        sandbox().from_string(source).render(item=Item("a"))


def test_a_mutating_method_stays_refused_on_every_read() -> None:
    template = sandbox().from_string("{{ a.append(1) }}")
    for _ in range(2):
        with pytest.raises(SecurityError):
            template.render(a=[])
    assert sandbox().from_string("{{ a.count(1) }}{{ a.count(1) }}").render(a=[1]) == "11"
