"""Reports of posts: who may report, who is told, the moderators' queue, resolve and dismiss."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forums.access import forget
from forums.actions.moderation import reports
from forums.models import Category, PostReport
from intranet.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_user, body):
    return make_user("moderatrice@rennes.fr", body)


@pytest.fixture
def parent_moderator(make_user, other_body):
    return make_user("moderateur@chu-brest.fr", other_body)


@pytest.fixture
def category(make_category, moderator, parent_moderator):
    parent = make_category("Entre acheteurs", Category.Visibility.BUYERS, moderators=[parent_moderator])
    return make_category("Mutualisation", Category.Visibility.BUYERS, parent=parent, moderators=[moderator])


@pytest.fixture
def post(make_topic, category, buyer):
    return make_topic(category, buyer, title="Groupement de commandes").first_post


def test_report_notifies_moderators_of_category_and_parent_and_platform_admins(
    post, other_buyer, moderator, parent_moderator, platform_admin, make_user, make_category
):
    bystander = make_user("modo@ailleurs.fr")
    make_category("Autre", moderators=[bystander])
    report, created = reports.do_report_post(other_buyer, post, reason="Propos injurieux")
    assert created and report.status == PostReport.Status.OPEN
    notified = Notification.objects.filter(verb="forums.report")
    assert sorted(n.recipient_id for n in notified) == sorted([moderator.pk, parent_moderator.pk, platform_admin.pk])
    assert all(n.url == reverse("forums:moderation_queue") + f"#report-{report.pk}" for n in notified)


def test_second_report_by_same_person_updates_the_reason_without_notifying_again(post, other_buyer, moderator):
    first, _ = reports.do_report_post(other_buyer, post, reason="Hors sujet")
    second, created = reports.do_report_post(other_buyer, post, reason="Publicité déguisée")
    assert not created and second.pk == first.pk
    assert PostReport.objects.get().reason == "Publicité déguisée"
    assert Notification.objects.filter(verb="forums.report", recipient=moderator).count() == 1


def test_after_a_report_is_handled_a_new_one_can_be_opened(post, other_buyer, moderator):
    first, _ = reports.do_report_post(other_buyer, post, reason="Hors sujet")
    reports.do_dismiss_report(moderator, first)
    _second, created = reports.do_report_post(other_buyer, post, reason="Encore hors sujet")
    assert created and PostReport.objects.count() == 2


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_reason_is_required_and_limited(post, other_buyer, reason):
    with pytest.raises(ValidationError):
        reports.do_report_post(other_buyer, post, reason=reason)
    assert not PostReport.objects.exists()


def test_report_page_creates_the_report(login, post, other_buyer):
    response = login(other_buyer).post(
        reverse("forums:report_post", args=[post.pk]), {"reason": "Données personnelles"}
    )
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    assert PostReport.objects.get().reporter == other_buyer


def test_report_page_shows_the_error_for_an_empty_reason(login, post, other_buyer):
    response = login(other_buyer).post(reverse("forums:report_post", args=[post.pk]), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not PostReport.objects.exists()


def test_people_who_cannot_read_the_post_get_a_404(login, post, company_member):
    url = reverse("forums:report_post", args=[post.pk])
    assert login(company_member).get(url).status_code == 404
    assert login(company_member).post(url, {"reason": "x"}).status_code == 404
    assert not PostReport.objects.exists()


def test_authors_cannot_report_their_own_post(login, post, buyer):
    url = reverse("forums:report_post", args=[post.pk])
    assert login(buyer).get(url).status_code == 403
    assert login(buyer).post(url, {"reason": "Auto-signalement"}).status_code == 403
    assert not PostReport.objects.exists()


def test_deleted_posts_cannot_be_reported(login, post, other_buyer):
    from django.utils import timezone

    from forums.models import Post

    Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())
    response = login(other_buyer).post(reverse("forums:report_post", args=[post.pk]), {"reason": "Hors sujet"})
    assert response.status_code == 403
    assert not PostReport.objects.exists()


def test_visitors_are_sent_to_the_login_page(client, post):
    response = client.post(reverse("forums:report_post", args=[post.pk]), {"reason": "x"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not PostReport.objects.exists()


def test_queue_lists_open_reports_of_moderated_categories_only(
    login, post, other_buyer, moderator, make_category, make_topic, buyer
):
    report, _ = reports.do_report_post(other_buyer, post, reason="Hors sujet")
    elsewhere = make_topic(make_category("Ailleurs", Category.Visibility.BUYERS), buyer).first_post
    forget(other_buyer)  # a new category since the first report: drop the per-request cache
    foreign, _ = reports.do_report_post(other_buyer, elsewhere, reason="Ailleurs")
    response = login(moderator).get(reverse("forums:moderation_queue"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["reports"]] == [report.pk]
    assert foreign.reason not in response.content.decode()


def test_parent_moderators_and_platform_admins_see_the_report(
    login, post, other_buyer, parent_moderator, platform_admin
):
    report, _ = reports.do_report_post(other_buyer, post, reason="Hors sujet")
    for user in (parent_moderator, platform_admin):
        response = login(user).get(reverse("forums:moderation_queue"))
        assert [r.pk for r in response.context["reports"]] == [report.pk]


def test_queue_is_refused_to_non_moderators(login, buyer, company_member):
    for user in (buyer, company_member):
        assert login(user).get(reverse("forums:moderation_queue")).status_code == 403


@pytest.mark.parametrize("name,status,verb", [
    ("forums:report_resolve", PostReport.Status.RESOLVED, "resolve_report"),
    ("forums:report_dismiss", PostReport.Status.DISMISSED, "dismiss_report"),
])  # fmt: skip
def test_resolve_and_dismiss(login, post, other_buyer, moderator, name, status, verb):
    report, _ = reports.do_report_post(other_buyer, post, reason="Hors sujet")
    response = login(moderator).post(reverse(name, args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == status and report.handled_by == moderator and report.handled_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.FORUM_MODERATION)
    assert event.details == {
        "verb": verb,
        "report": report.pk,
        "post": post.pk,
        "topic": post.topic_id,
        "category": post.topic.category_id,
    }
    assert login(moderator).get(reverse("forums:moderation_queue")).context["reports"] == []


def test_resolving_is_refused_to_moderators_of_another_category(login, post, other_buyer, make_user, make_category):
    report, _ = reports.do_report_post(other_buyer, post, reason="Hors sujet")
    elsewhere = make_user("modo@ailleurs.fr")
    make_category("Autre", moderators=[elsewhere])
    assert login(elsewhere).post(reverse("forums:report_resolve", args=[report.pk])).status_code == 403
    assert login(other_buyer).post(reverse("forums:report_dismiss", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.status == PostReport.Status.OPEN
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FORUM_MODERATION).exists()


def test_topic_page_shows_the_report_link_to_readers(login, post, other_buyer):
    page = login(other_buyer).get(post.topic.get_absolute_url()).content.decode()
    assert reverse("forums:report_post", args=[post.pk]) in page


def test_topic_page_shows_moderation_tools_to_moderators_only(login, post, other_buyer, moderator):
    page = login(other_buyer).get(post.topic.get_absolute_url()).content.decode()
    assert reverse("forums:topic_lock", args=[post.topic_id]) not in page
    assert reverse("forums:post_hide", args=[post.pk]) not in page
    page = login(moderator).get(post.topic.get_absolute_url()).content.decode()
    assert reverse("forums:topic_lock", args=[post.topic_id]) in page
    assert reverse("forums:post_hide", args=[post.pk]) in page
