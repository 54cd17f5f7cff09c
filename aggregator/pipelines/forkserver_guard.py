"""Imported by the extract pool's forkserver only (a preload): it then dies with the crawl.

See :mod:`aggregator.pipelines.extract_pool`. Never import this module elsewhere: the
importing process would be killed with its parent.
"""

from aggregator.pipelines.extract_pool import die_with_parent

die_with_parent()
