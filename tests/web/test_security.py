"""Redirect targets stay on this site."""

from __future__ import annotations

import pytest

from aggregator.web.security import local_path


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "evil",
        "",
        None,
    ],
)
def test_foreign_targets_fall_back(target: str | None) -> None:
    assert local_path(target) == "/"


def test_local_targets_pass() -> None:
    assert local_path("/?language=ar&q=x") == "/?language=ar&q=x"
    assert local_path("/articles/3?back=/") == "/articles/3?back=/"
