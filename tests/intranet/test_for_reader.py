"""intranet.page_cache.for_reader: a value kept per reader, language and generation(s), asked again after a write."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from intranet import page_cache
from intranet.models import ContentChange, PersonalChange

pytestmark = pytest.mark.django_db


def test_a_value_is_kept_per_reader_and_language_until_a_generation_changes(rf, make_user):
    asked = []
    first, second = make_user(), make_user()

    def value(user, personal=False, language="fr"):
        request = rf.get("/")
        request.user = user
        with translation.override(language):
            return page_cache.for_reader(
                request, "test", lambda: asked.append(user) or len(asked), seconds=60, personal=personal
            )

    assert value(first) == 1 and value(first) == 1  # kept
    assert value(second) == 2 and value(AnonymousUser()) == 3  # per reader, visitors alike
    assert value(first, language="en") == 4  # per language
    PersonalChange.objects.create()
    assert value(first) == 1  # a personal write does not renew a content value...
    assert value(first, personal=True) == 5 and value(first, personal=True) == 5  # ...but a personal one
    PersonalChange.objects.create()
    assert value(first, personal=True) == 6
    ContentChange.objects.create()
    assert value(first) == 7 and value(first, personal=True) == 8  # a content write renews both


def test_nothing_is_kept_when_the_seconds_are_zero(rf, make_user):
    asked, user = [], make_user()
    for expected in (1, 2):
        request = rf.get("/")
        request.user = user
        assert page_cache.for_reader(request, "test", lambda: asked.append(1) or len(asked), seconds=0) == expected
