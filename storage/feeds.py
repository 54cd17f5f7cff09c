"""Kept until callers move: the listing validators are in :mod:`storage.listing_states`,
``known_urls`` in :mod:`storage.articles`.

``aggregator/middlewares/conditional.py`` and ``aggregator/crawl/frontier.py`` still import
from here; delete this module once they import from the new places.
"""

from storage.articles import BATCH, known_urls
from storage.listing_states import Validators, get_validators, save_validators

__all__ = ["BATCH", "Validators", "get_validators", "known_urls", "save_validators"]
