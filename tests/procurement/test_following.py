"""Following a notice from its page: POST buttons, idempotent, for confirmed accounts."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from procurement.actions.following import do_follow, do_unfollow
from procurement.models import Follow

pytestmark = pytest.mark.django_db


def test_following_and_unfollowing_from_the_notice_page_is_idempotent(notice, company_member, login):
    client = login(company_member)
    follow = reverse("procurement:follow_notice", args=[notice.pk])
    unfollow = reverse("procurement:unfollow_notice", args=[notice.pk])
    for _ in range(2):
        assert client.post(follow).status_code == 302
    assert Follow.objects.filter(notice=notice, user=company_member).count() == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(notice.url).content.decode()
    assert "Stop following" in html and unfollow in html
    for _ in range(2):
        assert client.post(unfollow).status_code == 302
    assert not Follow.objects.filter(notice=notice, user=company_member).exists()
    assert follow in client.get(notice.url).content.decode()


def test_following_is_post_only(notice, company_member, login):
    response = login(company_member).get(reverse("procurement:follow_notice", args=[notice.pk]))
    assert response.status_code == 405
    assert not Follow.objects.exists()


def test_visitors_are_invited_to_log_in_and_cannot_follow(notice, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(notice.url).content.decode()
    assert "Log in to follow this call for tender" in html
    response = client.post(reverse("procurement:follow_notice", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Follow.objects.exists()


def test_unconfirmed_accounts_cannot_follow(notice, make_user, login):
    user = make_user(email_confirmed_at=None)
    assert login(user).post(reverse("procurement:follow_notice", args=[notice.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        do_follow(user, notice)
    assert not Follow.objects.exists()


def test_drafts_of_others_cannot_be_followed(make_notice, company_member, login):
    draft = make_notice(live=False)
    assert login(company_member).post(reverse("procurement:follow_notice", args=[draft.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        do_follow(company_member, draft)


def test_the_actions_are_idempotent(notice, company_member):
    first = do_follow(company_member, notice)
    assert do_follow(company_member, notice) == first
    assert do_unfollow(company_member, notice) is True
    assert do_unfollow(company_member, notice) is False
