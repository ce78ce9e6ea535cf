"""Models of the core: people, organizations, notifications, audit log, hash chains and site pages."""

from .accounts import BodyGroup, CompanyRegistration, Invitation, Membership, Organization, User
from .audit import AuditEvent
from .caching import ContentChange, PersonalChange
from .chain import Chain, ChainEntry
from .notifications import Notification
from .pages import HomePage, StandardPage
from .scheduling import ScheduledRun

__all__ = [
    "AuditEvent",
    "BodyGroup",
    "Chain",
    "ChainEntry",
    "ContentChange",
    "PersonalChange",
    "CompanyRegistration",
    "HomePage",
    "Invitation",
    "Membership",
    "Notification",
    "Organization",
    "ScheduledRun",
    "StandardPage",
    "User",
]
