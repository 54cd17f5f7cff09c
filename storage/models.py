"""Every mapped entity, imported in one place so the metadata is complete for Alembic."""

from storage.articles import STATUSES, Article, ArticleRevision, ArticleUrl
from storage.base import Base, utcnow
from storage.locks import SchedulerLock
from storage.near_duplicates import LshBucket
from storage.runs import RUN_STATUSES, CrawlRun, FeedState
from storage.sources import SourceRow
from storage.stories import Story
from storage.users import AppSecret, EditorialAction, User

__all__ = [
    "RUN_STATUSES",
    "STATUSES",
    "AppSecret",
    "Article",
    "ArticleRevision",
    "ArticleUrl",
    "Base",
    "CrawlRun",
    "EditorialAction",
    "FeedState",
    "LshBucket",
    "SchedulerLock",
    "SourceRow",
    "Story",
    "User",
    "utcnow",
]
