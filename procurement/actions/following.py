"""Following a notice: amendments, answers, cancellation and outcome then reach the follower."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from procurement import access
from procurement.models import Follow, NoticePage


def do_follow(user, notice: NoticePage) -> Follow:
    """Follow `notice` (idempotent: following twice keeps one row)."""
    if not access.can_follow(user) or not access.can_read_notice(user, notice):
        raise PermissionDenied
    try:
        with transaction.atomic():
            follow, _created = Follow.objects.get_or_create(notice=notice, user=user)
    except IntegrityError:  # two clicks at once: the other request created it
        follow = Follow.objects.get(notice=notice, user=user)
    return follow


def do_unfollow(user, notice: NoticePage) -> bool:
    """Stop following `notice`; True if the user was following it (idempotent)."""
    if not user.is_authenticated:
        raise PermissionDenied
    deleted, _details = Follow.objects.filter(notice=notice, user=user).delete()
    return deleted > 0
