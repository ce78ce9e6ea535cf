"""One-click "stop this alert" links printed in alert e-mails: a signed token naming one alert.

Signed with the site's secret and its own salt, so it cannot be forged nor aimed at another alert; no
login needed and no expiry (an e-mail read months later must still stop the messages). It only turns
the alert's notifications off: the alert and its feeds stay until its owner deletes them."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from procurement.models import SavedSearch

SALT = "procurement.alert-unsubscribe"


def unsubscribe_url(search: SavedSearch) -> str:
    token = signing.dumps({"a": search.pk}, salt=SALT)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("procurement:alert_unsubscribe", args=[token])


def read_token(token: str) -> SavedSearch | None:
    """The alert a token names, or None if the token is not one of ours or the alert is gone."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return None
    return SavedSearch.objects.select_related("user").filter(pk=payload["a"]).first()
