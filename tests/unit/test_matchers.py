from __future__ import annotations

import pytest

from cockpit.model.matchers import Matcher, MatcherError, exact, parse_filter, parse_matchers


def test_all_four_operators_and_quoting() -> None:
    parsed = parse_matchers('{severity="critical", service=~"api|web", env!=prod, team!~"a.*"}')
    assert [(m.name, m.op, m.value) for m in parsed] == [
        ("severity", "=", "critical"),
        ("service", "=~", "api|web"),
        ("env", "!=", "prod"),
        ("team", "!~", "a.*"),
    ]
    assert parse_matchers('a="x \\"y\\" z"')[0].value == 'x "y" z'
    assert parse_matchers("a=b c=d") == (Matcher("a", "=", "b"), Matcher("c", "=", "d"))


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ('severity="critical', 10, "unterminated"),
        ('1abc="x"', 1, "label name"),
        ("severity critical", 10, "expected one of"),
        ('severity=~"(oops"', 1, "bad regular expression"),
        ('{a="b"', 7, "missing closing }"),
        ('a=""x', 5, "between matchers"),
        ("", 1, "no matcher"),
        ("a=", 3, "expected a value"),
    ],
)
def test_errors_name_the_position(text: str, position: int, reason: str) -> None:
    with pytest.raises(MatcherError) as caught:
        parse_matchers(text)
    assert caught.value.position == position
    assert reason in str(caught.value)
    assert f"position {position}" in str(caught.value)


def test_matching_is_anchored_and_missing_labels_are_empty() -> None:
    labels = {"service": "api-gw", "severity": "critical"}
    assert not Matcher("service", "=~", "api").matches(labels)
    assert Matcher("service", "=~", "api.*").matches(labels)
    assert Matcher("team", "=", "").matches(labels)
    assert Matcher("team", "!~", ".+").matches(labels)
    assert not Matcher("severity", "!=", "critical").matches(labels)


def test_api_round_trip_and_exact() -> None:
    for m in parse_matchers('a="1", b!="2", c=~"3", d!~"4"'):
        assert Matcher.from_api(m.to_api()) == m
    assert [str(m) for m in exact({"b": "2", "a": 'q"'})] == ['a="q\\""', 'b="2"']


def test_filter_mixes_matchers_and_free_text() -> None:
    f = parse_filter('severity="critical" Redis service=~"api|web"')
    assert [str(m) for m in f.matchers] == ['severity="critical"', 'service=~"api|web"']
    assert f.words == ("redis",)
    assert f.matches({"severity": "critical", "service": "api"}, "Redis latency high")
    assert not f.matches({"severity": "critical", "service": "api"}, "CPU")
    assert not f.matches({"severity": "warning", "service": "api"}, "redis")
    assert parse_filter("   ").empty


def test_filter_refuses_broken_matcher_with_position() -> None:
    with pytest.raises(MatcherError) as caught:
        parse_filter('redis severity="critical')
    assert caught.value.position == 16
