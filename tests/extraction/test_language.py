"""Language detection with py3langid: many languages and scripts; None rather than a guess."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aggregator.extraction.language import detect_language

SAMPLES = {
    "fr": "Le ministre a promis de recevoir une délégation la semaine prochaine, sans convaincre "
          "les manifestants qui prévoient de rester sur place jusqu’au soir pour la suite.",
    "en": "The council voted on Wednesday to build protected cycle lanes, ending a debate that "
          "has run for more than three years in the town and its villages.",
    "es": "El gobierno anunció que las medidas se mantendrán durante el mes de marzo para "
          "contener los contagios en la capital y en las provincias del norte.",
    "de": "Die Regierung hat am Mittwoch beschlossen, die Maßnahmen bis Ende März zu verlängern, "
          "weil die Zahl der Infektionen noch nicht gesunken ist.",
    "ar": "ارتفعت أسعار البنزين والمازوت في لبنان صباح اليوم للمرة الثالثة منذ بداية الشهر في ظل "
          "استمرار تراجع سعر صرف الليرة",
    "fa": "دولت اعلام کرد که این تصمیم برای کاهش قیمت‌ها گرفته شده است و از هفته آینده اجرا می‌شود "
          "و مردم باید آماده باشند",
    "ru": "Правительство объявило, что меры будут продлены до конца марта, поскольку число "
          "заражений пока не снизилось.",
    "uk": "Уряд оголосив, що заходи будуть продовжені до кінця березня, оскільки кількість "
          "інфікувань ще не знизилася і лікарні переповнені.",
    "he": "הממשלה הודיעה כי הצעדים יוארכו עד סוף חודש מרץ מכיוון שמספר הנדבקים עדיין לא ירד",
    "zh": "政府宣布这些措施将延长到三月底，因为感染人数尚未下降，医院仍然非常拥挤。",
    "ja": "政府は、感染者数がまだ減少していないため、措置を三月末まで延長すると発表しました。",
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_detects(language: str) -> None:
    assert detect_language(SAMPLES[language]) == language


def test_unsure_returns_none() -> None:
    assert detect_language("OK") is None
    assert detect_language("12 / 40 · 1.2K · OK") is None
    assert detect_language("View The Advertiser View The Herald Sun View News") is None


def test_nso_report_is_french() -> None:
    html = (Path(__file__).parents[1] / "fixtures/extraction/nso-arabic.html").read_text("utf-8")
    paragraphs = re.findall(r"<p>(.*?)</p>", html[html.index("NSO Group semble") - 3 :])
    assert detect_language("\n\n".join(paragraphs)) == "fr"
    assert detect_language(paragraphs[0]) == "fr"  # one paragraph is enough
