"""The fingerprint stage fingerprints bodies; copies differing in form share a hash."""

from __future__ import annotations

from scrapy.utils.misc import build_from_crawler

from aggregator.fingerprints.fingerprint import Fingerprint
from aggregator.pipelines.fingerprint import FingerprintPipeline
from tests.pipelines.conftest import make_crawler, make_item
from tests.storage.conftest import SEEDS

BODY = SEEDS["ar-uae-trade"]["body"]


def test_items_get_a_fingerprint() -> None:
    stage = build_from_crawler(FingerprintPipeline, make_crawler())
    item = stage.process_item(make_item("https://www.daily.example/a", BODY))
    assert isinstance(item.fingerprint, Fingerprint) and item.fingerprint.comparable
    assert len(item.fingerprint.body_hash) == 64


def test_copies_differing_in_diacritics_share_the_hash() -> None:
    stage = build_from_crawler(FingerprintPipeline, make_crawler())
    a = stage.process_item(make_item("https://www.daily.example/a", BODY))
    b = stage.process_item(
        make_item("https://wire.example/b", BODY.replace("الإمارات", "الامارات"))
    )
    assert a.fingerprint and b.fingerprint
    assert a.fingerprint.body_hash == b.fingerprint.body_hash
