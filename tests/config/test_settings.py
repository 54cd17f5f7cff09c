"""Runtime options: defaults, environment, command line, and clear errors."""

from __future__ import annotations

import re

import pytest

from aggregator.config.settings import OPTIONS, load_settings
from aggregator.errors import ConfigError


def test_defaults_then_environment_then_cli() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///aggregator.db"
    assert settings.origins["database_url"] == "default"
    settings = load_settings(
        {"AGGREGATOR_DATABASE_URL": "sqlite:///x.db", "AGGREGATOR_WEB_PORT": "9000"}
    )
    assert (settings.database_url, settings.web_port) == ("sqlite:///x.db", 9000)
    assert settings.origins["web_port"] == "env"
    settings = settings.with_overrides(database_url="sqlite:///y.db", sources=None)
    assert settings.database_url == "sqlite:///y.db"
    assert settings.origins["database_url"] == "cli"
    assert settings.origins["sources"] == "default"


def test_bad_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="AGGREGATOR_WEB_PORT='eighty'"):
        load_settings({"AGGREGATOR_WEB_PORT": "eighty"})
    with pytest.raises(ConfigError, match="AGGREGATOR_CRAWL_TIME_LIMIT"):
        load_settings({"AGGREGATOR_CRAWL_TIME_LIMIT": "soon"})


def test_every_option_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    for option in OPTIONS:
        assert option.help
        assert option.env in doc, f"{option.env} missing from docs/configuration.md"


def test_allow_networks_is_a_validated_list() -> None:
    assert load_settings({}).allow_networks == ()
    settings = load_settings({"AGGREGATOR_ALLOW_NETWORKS": "127.0.0.1/32, intranet.example"})
    assert settings.allow_networks == ("127.0.0.1/32", "intranet.example")
    with pytest.raises(ConfigError, match=re.escape("AGGREGATOR_ALLOW_NETWORKS='10.0.0.0/33'")):
        load_settings({"AGGREGATOR_ALLOW_NETWORKS": "10.0.0.0/33"})


def test_the_retired_redis_frontier_points_to_the_broker() -> None:
    assert load_settings({}).redis_url == ""
    with pytest.raises(ConfigError) as caught:
        load_settings({"AGGREGATOR_REDIS_URL": "redis://127.0.0.1:6379/0"})
    message = str(caught.value)
    assert "AGGREGATOR_REDIS_URL" in message and "retired" in message
    assert "AGGREGATOR_BROKER_URL" in message


def test_the_broker_url_must_be_redis() -> None:
    url = "redis://127.0.0.1:6379/3"
    assert load_settings({"AGGREGATOR_BROKER_URL": url}).broker_url == url
    with pytest.raises(ConfigError, match="AGGREGATOR_BROKER_URL='amqp://x'"):
        load_settings({"AGGREGATOR_BROKER_URL": "amqp://x"})
