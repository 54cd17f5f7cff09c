"""Every mapped entity, imported in one place so the metadata is complete for Alembic."""

from storage.alert_deliveries import AlertDelivery
from storage.alerts import Alert
from storage.articles import STATUSES, Article, ArticleRevision, ArticleUrl
from storage.base import Base, utcnow
from storage.citations import Citation
from storage.editorial import EditorialAction
from storage.listing_states import ListingState
from storage.login_attempts import LoginAttempt
from storage.near_duplicates import LshBucket
from storage.runs import RUN_STATUSES, CrawlRun
from storage.scheduler_lock import SchedulerLock
from storage.secrets import AppSecret
from storage.sessions import LoginSession
from storage.sources import SourceRow
from storage.stories import Story, StoryConstraint, StoryMember
from storage.story_index import StoryFeature, StoryProfile
from storage.users import User
from storage.watches import Watch, WatchAlias, WatchHit

__all__ = [
    "RUN_STATUSES",
    "STATUSES",
    "Alert",
    "AlertDelivery",
    "AppSecret",
    "Article",
    "ArticleRevision",
    "ArticleUrl",
    "Base",
    "Citation",
    "CrawlRun",
    "EditorialAction",
    "ListingState",
    "LoginAttempt",
    "LoginSession",
    "LshBucket",
    "SchedulerLock",
    "SourceRow",
    "Story",
    "StoryConstraint",
    "StoryFeature",
    "StoryMember",
    "StoryProfile",
    "User",
    "Watch",
    "WatchAlias",
    "WatchHit",
    "utcnow",
]
