"""Comments under a guide: Markdown made safe, edited by their author, removed by the author or an editor."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intranet.models import AuditEvent, Membership, Notification
from knowledge import actions
from knowledge.models import GuideComment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    # Assertions read the English msgids, whatever the French catalog says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def colleague(make_user, body):
    return make_user("collegue@rennes.fr", body, Membership.Role.BUYER, first_name="Yann", last_name="Le Goff")


def post_comment(client, guide, source):
    return client.post(reverse("knowledge:comment_add", args=[guide.pk]), {"comment-source": source})


def edit_url(comment):
    return reverse("knowledge:comment_edit", args=[comment.pk])


def remove_url(comment):
    return reverse("knowledge:comment_remove", args=[comment.pk])


# --- posting --------------------------------------------------------------------------------


def test_member_posts_a_markdown_comment_shown_with_their_name_and_date(client, login, colleague, public_guide):
    login(colleague)
    response = post_comment(client, public_guide, "Nous l'avons fait à **Saint-Malo** : voir _l'article 4_.")
    comment = GuideComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{public_guide.url}#comment-{comment.pk}"
    assert comment.author == colleague
    assert comment.html == "<p>Nous l'avons fait à <strong>Saint-Malo</strong> : voir <em>l'article 4</em>.</p>\n"
    html = client.get(public_guide.url).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert "<strong>Saint-Malo</strong>" in html
    assert "Yann Le Goff" in html
    assert f'datetime="{comment.created_at.isoformat()}"' in html or "<time datetime=" in html
    assert "1 comment" in html


def test_a_new_comment_notifies_the_guide_owner(client, login, colleague, editor, make_guide):
    guide = make_guide("Clauses sociales", owner=editor)
    login(colleague)
    post_comment(client, guide, "Merci pour ce guide.")
    comment = GuideComment.objects.get()
    notification = Notification.objects.get(recipient=editor)
    assert notification.verb == "knowledge.comment_added"
    assert notification.url == f"{guide.url}#comment-{comment.pk}"
    assert notification.actor == colleague


def test_the_owner_commenting_on_their_own_guide_is_not_notified(editor, make_guide):
    guide = make_guide("Clauses sociales", owner=editor)
    actions.do_add_comment(editor, guide, source="Précision : le seuil a changé.")
    assert not Notification.objects.exists()


def test_a_double_click_creates_one_comment(client, login, colleague, public_guide):
    login(colleague)
    first = post_comment(client, public_guide, "Très utile.")
    second = post_comment(client, public_guide, "Très utile.")
    assert GuideComment.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_same_text_a_minute_later_is_a_new_comment(colleague, public_guide):
    first, created = actions.do_add_comment(colleague, public_guide, source="+1")
    GuideComment.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(minutes=1))
    second, created_again = actions.do_add_comment(colleague, public_guide, source="+1")
    assert created and created_again and first.pk != second.pk


def test_scripts_and_javascript_links_are_rendered_harmless(client, login, colleague, public_guide):
    login(colleague)
    post_comment(
        client,
        public_guide,
        '<script>alert("xss")</script>\n\n[clic](javascript:alert(1)) <img src=x onerror="alert(2)">'
        '\n\n<a href="javascript:alert(3)">lien</a>',
    )
    html = client.get(public_guide.url).content.decode()
    body = html[html.index('class="comment-body') :]
    assert "<script>alert" not in html
    assert not re.search(r"<a[^>]*href=\"?javascript:", html, re.IGNORECASE)
    assert not re.search(r"<img[^>]*onerror", body, re.IGNORECASE)
    assert "&lt;script&gt;" in body  # shown as text, not run


def test_visitor_sees_a_log_in_link_and_posting_sends_them_to_the_login_page(client, public_guide):
    html = client.get(public_guide.url).content.decode()
    assert "Log in to comment" in html
    assert reverse("knowledge:comment_add", args=[public_guide.pk]) not in html
    response = post_comment(client, public_guide, "Bonjour")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not GuideComment.objects.exists()


def test_company_user_commenting_on_a_members_only_guide_gets_404(client, login, company_member, members_guide):
    login(company_member)
    assert post_comment(client, members_guide, "Bonjour").status_code == 404
    assert not GuideComment.objects.exists()


def test_an_empty_comment_is_refused_with_a_clear_error(client, login, colleague, public_guide):
    login(colleague)
    response = post_comment(client, public_guide, "   ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please write your comment." in html
    assert 'href="#id_comment-source"' in html
    assert not GuideComment.objects.exists()


def test_a_too_long_comment_is_refused_and_what_was_typed_is_kept(client, login, colleague, public_guide):
    login(colleague)
    typed = "a" * 6000
    response = post_comment(client, public_guide, typed)
    html = response.content.decode()
    assert "at most 5,000 characters, you typed 6,000" in html
    assert typed in html
    assert not GuideComment.objects.exists()


# --- editing --------------------------------------------------------------------------------


def test_the_author_edits_their_comment_from_a_prefilled_form_and_it_shows_edited(
    client, login, colleague, public_guide
):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Premier jet")
    login(colleague)
    page = client.get(public_guide.url).content.decode()
    assert edit_url(comment) in page
    form = client.get(edit_url(comment)).content.decode()
    assert "Premier jet</textarea>" in form
    response = client.post(edit_url(comment), {"comment-source": "Version *corrigée*"})
    assert response["Location"] == f"{public_guide.url}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.source == "Version *corrigée*"
    assert comment.html == "<p>Version <em>corrigée</em></p>\n"
    assert comment.edited_at is not None
    assert "(edited)" in client.get(public_guide.url).content.decode()


def test_an_edit_emptying_the_comment_is_refused_and_the_comment_unchanged(client, login, colleague, public_guide):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Garder ceci")
    login(colleague)
    response = client.post(edit_url(comment), {"comment-source": ""})
    assert "Please write your comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.source == "Garder ceci" and comment.edited_at is None


def test_someone_else_editing_my_comment_gets_403(client, login, colleague, buyer, editor, public_guide):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Le mien")
    for other in (buyer, editor):  # not even editors rewrite other people's words
        login(other)
        assert client.get(edit_url(comment)).status_code == 403
        assert client.post(edit_url(comment), {"comment-source": "Réécrit"}).status_code == 403
        assert edit_url(comment) not in client.get(public_guide.url).content.decode()
    comment.refresh_from_db()
    assert comment.source == "Le mien"


# --- removing -------------------------------------------------------------------------------


def test_a_buyer_removing_someone_elses_comment_gets_403(client, login, colleague, buyer, public_guide):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Le mien")
    login(buyer)
    assert remove_url(comment) not in client.get(public_guide.url).content.decode()
    assert client.get(remove_url(comment)).status_code == 403
    assert client.post(remove_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.removed_at is None


def test_an_editor_removes_a_comment_after_confirming_and_it_is_audited(client, login, colleague, editor, public_guide):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Propos déplacés")
    login(editor)
    assert remove_url(comment) in client.get(public_guide.url).content.decode()
    assert "Propos déplacés" in client.get(remove_url(comment)).content.decode()  # the confirmation page
    response = client.post(remove_url(comment))
    assert response["Location"] == f"{public_guide.url}#comments"
    comment.refresh_from_db()
    assert comment.removed_at is not None and comment.removed_by == editor
    event = AuditEvent.objects.get(action=AuditEvent.Action.COMMENT_REMOVED)
    assert (event.actor, event.subject_user) == (editor, colleague)
    assert event.details["comment_id"] == comment.pk and event.details["guide_id"] == public_guide.pk
    assert Notification.objects.get(recipient=colleague).verb == "knowledge.comment_removed"
    html = client.get(public_guide.url).content.decode()
    assert "Propos déplacés" not in html
    assert "Comment removed." in html
    assert "0 comments" in html


def test_the_author_removes_their_own_comment_without_an_audit_entry(client, login, colleague, public_guide):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Erreur de ma part")
    login(colleague)
    client.post(remove_url(comment))
    comment.refresh_from_db()
    assert comment.removed_by == colleague
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.COMMENT_REMOVED).exists()


def test_a_removed_comment_can_no_longer_be_edited_or_removed(client, login, colleague, public_guide):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Parti")
    actions.do_remove_comment(colleague, comment)
    login(colleague)
    assert client.get(edit_url(comment)).status_code == 404
    assert client.post(remove_url(comment)).status_code == 404


def test_comments_of_a_closed_account_show_former_member(client, colleague, public_guide):
    actions.do_add_comment(colleague, public_guide, source="Ancien commentaire")
    colleague.closed_at = timezone.now()
    colleague.save()
    html = client.get(public_guide.url).content.decode()
    assert "Former member" in html
    assert "Yann Le Goff" not in html


def test_company_user_cannot_reach_comments_of_a_members_only_guide(
    client, login, colleague, company_member, members_guide
):
    comment, _created = actions.do_add_comment(colleague, members_guide, source="Entre nous")
    login(company_member)
    assert client.get(edit_url(comment)).status_code == 404
    assert client.post(remove_url(comment)).status_code == 404


def test_an_account_with_an_unconfirmed_email_may_not_comment(client, login, make_user, body, public_guide):
    login(make_user(organization=body, email_confirmed_at=None))
    assert post_comment(client, public_guide, "Bonjour").status_code == 403
    assert not GuideComment.objects.exists()


def test_an_author_whose_account_may_no_longer_contribute_may_not_edit_nor_remove_their_comment(
    client, login, colleague, public_guide
):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Le mien")
    colleague.email_confirmed_at = None
    colleague.save()
    login(colleague)
    assert client.post(edit_url(comment), {"comment-source": "Réécrit"}).status_code == 403
    assert client.post(remove_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.source == "Le mien" and comment.removed_at is None


def test_comments_of_an_unpublished_guide_can_no_longer_be_edited_or_removed(
    client, login, colleague, editor, public_guide
):
    comment, _created = actions.do_add_comment(colleague, public_guide, source="Le mien")
    public_guide.unpublish()
    for person in (colleague, editor):
        login(person)
        assert client.post(edit_url(comment), {"comment-source": "Réécrit"}).status_code == 404
        assert client.post(remove_url(comment)).status_code == 404
    comment.refresh_from_db()
    assert comment.source == "Le mien" and comment.removed_at is None


# --- cost -----------------------------------------------------------------------------------


def test_the_guide_page_query_count_does_not_grow_with_the_comments(
    client, login, make_user, body, editor, public_guide
):
    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(public_guide.url).status_code == 200
        return len(queries)

    login(editor)
    for index in range(2):
        actions.do_add_comment(make_user(organization=body), public_guide, source=f"Commentaire {index}")
    page_queries()  # warm the caches (site root paths...)
    with_two = page_queries()
    for index in range(15):
        actions.do_add_comment(make_user(organization=body), public_guide, source=f"Autre {index}")
    page_queries()  # the footer, kept per content generation, is drawn again once after the new comments
    assert page_queries() == with_two
