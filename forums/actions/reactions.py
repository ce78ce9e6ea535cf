"""Every write on reactions: toggling one kind of reaction on a post.

The set of kinds offered is the FORUM_REACTIONS setting (default: all of Reaction.Kind). Authors are not
told at once: the hourly job of forums.notifications groups new reactions into one notification per author.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from forums.models import Post, Reaction
from intranet.models import User


def enabled_kinds() -> list[str]:
    """The reaction kinds offered, in the configured order; ImproperlyConfigured on an unknown kind."""
    kinds = list(getattr(settings, "FORUM_REACTIONS", Reaction.Kind.values))
    unknown = [kind for kind in kinds if kind not in Reaction.Kind.values]
    if unknown:
        raise ImproperlyConfigured(f"FORUM_REACTIONS: unknown kinds {unknown}; choose among {Reaction.Kind.values}.")
    return list(dict.fromkeys(kinds))


def do_toggle_reaction(user: User, post: Post, kind: str) -> bool:
    """Add `user`'s reaction of this kind on `post`, or remove it if present; True if it is now there.

    The caller has checked that `user` may react (forums.access.access_post_for_reaction).
    """
    if kind not in enabled_kinds():
        raise ValidationError(_("This reaction is not available."), code="invalid")
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
        if deleted:
            return False
        try:
            # A concurrent identical click may insert first: then the reaction is there, as wanted.
            with transaction.atomic():
                Reaction.objects.create(post=post, user=user, kind=kind)
        except IntegrityError:
            pass
    return True
