"""Who hears about a notice's changes: its identified downloaders and its followers, once each."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from procurement.models import NoticePage


def notice_audience(notice: NoticePage) -> QuerySet:
    """Active users who downloaded the DCE identified or follow the notice (one row each)."""
    User = get_user_model()
    return (
        User.objects.filter(
            Q(pk__in=notice.downloads.filter(user__isnull=False).values("user"))
            | Q(pk__in=notice.follows.values("user"))
        )
        .filter(is_active=True, closed_at__isnull=True)
        .order_by("pk")
    )
