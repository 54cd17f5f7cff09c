"""What story linking reads from an article's text, computed once where the text is.

Linking (:mod:`storage.story_links`) needs two pure functions of the title and body: the story
features posted in the candidate index (:func:`aggregator.stories.features.story_features`)
and the attributions found in the body (:func:`aggregator.stories.attribution.text_attributions`).
Together they cost more CPU than the whole store path around them. A crawl computes them in
the extraction process, next to the fingerprint (:mod:`aggregator.pipelines.extract_task`),
so the crawl's main process only runs the SQL; an import or a re-fetch that arrives without
them has storage compute them the same way (:func:`story_inputs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.stories.attribution import Cited, text_attributions
from aggregator.stories.features import story_features


@dataclass(frozen=True)
class StoryInputs:
    """An article's indexed story features (key -> first position, what its profile stores)
    and the attributions in its body."""

    features: dict[str, float]
    cited: tuple[Cited, ...]


def story_inputs(title: str | None, body: str) -> StoryInputs:
    """The story inputs of an article as storage would store it (same title and body)."""
    return StoryInputs(story_features(title, body).to_json(), tuple(text_attributions(body)))
