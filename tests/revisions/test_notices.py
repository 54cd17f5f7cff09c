"""Correction notices in five languages, and ordinary uses of the word that are not notices."""

from __future__ import annotations

import pytest

from aggregator.revisions.notices import new_notice, notices


@pytest.mark.parametrize(
    "text",
    [
        "Correction: an earlier version misstated the minister's name.",
        "This article was amended on 3 December 2026 to correct a date.",
        "An earlier version of this story gave the wrong figure.",
        "Rectificatif : le chiffre exact est 15.",
        "Cet article a été corrigé le 3 décembre.",
        "تصحيح: ورد في نسخة سابقة رقم خاطئ.",
        "تم تعديل هذا المقال لتصحيح الاسم.",
        "Korrektur: In einer früheren Version stand ein falsches Datum.",
        "In einer früheren Version dieses Artikels hieß es ...",
        "Fe de errores: la cifra correcta es 15.",
        "Este artículo fue corregido el 3 de diciembre.",
    ],
)
def test_notices_are_found(text: str) -> None:
    body = f"Le premier paragraphe.\n\n{text}\n\nLa suite."
    (found,) = notices(body)
    assert found == text


@pytest.mark.parametrize(
    "text",
    [
        "The market saw a correction of 5% on Monday.",
        "La correction des copies du bac commence lundi.",
        "Die Korrektur der Prognose kam überraschend.",
        "La corrección del mercado continuó.",
    ],
)
def test_ordinary_words_are_not_notices(text: str) -> None:
    assert notices(text) == []


def test_only_a_new_notice_counts() -> None:
    old = "Body.\n\nCorrection: first fix."
    assert new_notice(old, old) is None
    assert new_notice(old, old + "\n\nCorrection: second fix.") == "Correction: second fix."
    assert new_notice("Body.", "Body. Rectificatif : erreur.") == "Rectificatif : erreur."
