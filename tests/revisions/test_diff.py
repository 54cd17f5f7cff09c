"""Word-level diffs: both sides recoverable, changed words only, bounded on huge texts."""

from __future__ import annotations

from aggregator.revisions.diff import MAX_TOKENS, bounded, counts, side, word_diff


def test_a_changed_figure_is_the_only_change() -> None:
    old = "Le bilan fait état de 12 morts, selon la police."
    new = "Le bilan fait état de 15 morts, selon la police."
    diff = word_diff(old, new)
    assert diff == [
        ["=", "Le bilan fait état de "],
        ["-", "12"],
        ["+", "15"],
        ["=", " morts, selon la police."],
    ]
    assert side(diff, "-") == old and side(diff, "+") == new
    assert counts(diff) == {"added": 1, "removed": 1}


def test_arabic_words_are_words() -> None:
    old = "وصول قافلة مساعدات جديدة إلى غزة"
    new = "وصول قافلتي مساعدات جديدة إلى غزة"
    diff = word_diff(old, new)
    assert ["-", "قافلة"] in diff and ["+", "قافلتي"] in diff
    assert side(diff, "+") == new


def test_equal_and_empty_texts() -> None:
    assert word_diff("same", "same") == []
    assert word_diff(None, "new text") == [["+", "new text"]]
    assert side(word_diff("old text", ""), "-") == "old text"


def test_huge_texts_are_bounded_but_recoverable() -> None:
    old = " ".join(f"w{i}" for i in range(MAX_TOKENS)) + " tail one"
    new = old.replace("tail one", "tail two")
    diff = word_diff(old, new)
    assert side(diff, "-") == old and side(diff, "+") == new
    assert diff[-1][0] == "+" and diff[-1][1].endswith("two")


def test_bounded_keeps_the_changes_and_the_ends_of_long_runs() -> None:
    old = "start " + "same words " * 500 + "old end"
    new = "start " + "same words " * 500 + "new end"
    cut = bounded(word_diff(old, new), 1000)
    assert ["-", "old"] in cut and ["+", "new"] in cut
    assert sum(len(t) for _, t in cut) < 400
    huge = bounded([["+", "x" * 10_000], ["-", "y"]], 100)
    assert huge == [["+", "x" * 100 + "…"], ["=", "…"]]
