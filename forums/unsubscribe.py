"""One-click unsubscribe links for forum e-mails: signed tokens naming one person and one topic or category.

The token is signed with the site's secret (django.core.signing, its own salt) and carries the user id and
the topic or category id, so it cannot be forged or turned against someone else, and needs no login. It does
not expire: an e-mail read months later must still let its recipient stop the messages.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from forums.models import Category, Topic
from intranet.models import User

SALT = "forums.unsubscribe"


class InvalidToken(Exception):
    """The token was tampered with, truncated, or names something that no longer exists."""


@dataclass(frozen=True)
class UnsubscribeRequest:
    user: User
    topic: Topic | None = None
    category: Category | None = None

    @property
    def target(self) -> Topic | Category:
        return self.topic or self.category


def make_token(user, topic: Topic | None = None, category: Category | None = None) -> str:
    if (topic is None) == (category is None):
        raise ValueError("An unsubscribe token names a topic or a category, not both.")
    payload = {"u": user.pk, "t": topic.pk} if topic is not None else {"u": user.pk, "c": category.pk}
    return signing.dumps(payload, salt=SALT)


def unsubscribe_url_for(user, topic: Topic | None = None, category: Category | None = None) -> str:
    """The absolute one-click link that mutes `topic` (or `category`) for `user`, printed in e-mails."""
    path = reverse("forums:unsubscribe", args=[make_token(user, topic=topic, category=category)])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def read_token(token: str) -> UnsubscribeRequest:
    """The person and the topic or category a token names; InvalidToken if it is not one of ours."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvalidToken from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidToken
    user = User.objects.filter(pk=payload["u"]).first()
    if user is None:
        raise InvalidToken
    if isinstance(payload.get("t"), int):
        topic = Topic.objects.select_related("category", "category__parent").filter(pk=payload["t"]).first()
        if topic is None:
            raise InvalidToken
        return UnsubscribeRequest(user=user, topic=topic)
    if isinstance(payload.get("c"), int):
        category = Category.objects.filter(pk=payload["c"]).first()
        if category is None:
            raise InvalidToken
        return UnsubscribeRequest(user=user, category=category)
    raise InvalidToken
