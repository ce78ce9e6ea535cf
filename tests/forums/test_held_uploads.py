"""Files kept across a failed submission: held in the session, listed on the form, attached on success."""

import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from forums.actions import held_uploads
from forums.models import Post
from tests.forums.test_attachments import exe_as_pdf, pdf, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def held_tokens(html):
    return re.findall(r'name="held_uploads" value="([0-9a-f]+)"', html)


def test_an_empty_message_keeps_the_valid_file_and_lists_it(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    url = reverse("forums:reply", args=[topic.pk])
    response = client.post(url, {"reply-source": "", "reply-files": [pdf()]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please write your message." in html
    assert "Already attached" in html
    assert "Keep “cahier des charges.pdf” (1 KB)" in html
    assert "choose them again" not in html
    [token] = held_tokens(html)
    entry = client.session[held_uploads.SESSION_KEY][token]
    assert entry["user_id"] == buyer.pk and entry["content_type"] == "application/pdf"
    assert entry["path"].startswith("forums/held/") and default_storage.exists(entry["path"])

    response = client.post(url, {"reply-source": "Le voici", "held_uploads": token, "held_keep": token})
    assert response.status_code == 302
    attachment = Post.objects.get(topic=topic, number=2).attachments.get()
    assert attachment.original_name == "cahier des charges.pdf"
    assert attachment.content_type == "application/pdf"
    assert not attachment.file.name.startswith("forums/held/")
    assert attachment.file.read().startswith(b"%PDF-")
    assert held_uploads.SESSION_KEY not in client.session
    assert not default_storage.exists(entry["path"])


def test_held_files_and_new_ones_are_attached_together(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    url = reverse("forums:reply", args=[topic.pk])
    [token] = held_tokens(client.post(url, {"reply-source": " ", "reply-files": [pdf()]}).content.decode())
    response = client.post(
        url, {"reply-source": "Les deux", "reply-files": [png()], "held_uploads": token, "held_keep": token}
    )
    assert response.status_code == 302
    names = set(Post.objects.get(topic=topic, number=2).attachments.values_list("original_name", flat=True))
    assert names == {"cahier des charges.pdf", "plan.png"}


def test_an_unticked_held_file_is_left_out_and_deleted(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    url = reverse("forums:reply", args=[topic.pk])
    [token] = held_tokens(client.post(url, {"reply-source": "", "reply-files": [pdf()]}).content.decode())
    path = client.session[held_uploads.SESSION_KEY][token]["path"]
    response = client.post(url, {"reply-source": "Sans le fichier", "held_uploads": token})
    assert response.status_code == 302
    assert not Post.objects.get(topic=topic, number=2).attachments.exists()
    assert not default_storage.exists(path)


def test_another_person_s_token_is_ignored(client, login, buyer, other_buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    url = reverse("forums:reply", args=[topic.pk])
    [token] = held_tokens(client.post(url, {"reply-source": "", "reply-files": [pdf()]}).content.decode())
    path = client.session[held_uploads.SESSION_KEY][token]["path"]
    client.logout()
    login(other_buyer)
    response = client.post(url, {"reply-source": "Je prends son fichier", "held_uploads": token, "held_keep": token})
    assert response.status_code == 302
    assert not Post.objects.get(topic=topic, number=2).attachments.exists()
    assert default_storage.exists(path)  # still the first person's


def test_a_token_of_another_user_in_the_same_session_is_ignored(buyer, other_buyer):
    session = {}
    listed, errors = held_uploads.hold(session, buyer, [pdf()])
    assert not errors
    token = listed[0]["token"]
    assert held_uploads.open_held(session, other_buyer, [token]) == []
    held_uploads.release(session, other_buyer, [token])
    assert token in session[held_uploads.SESSION_KEY]
    held_uploads.release(session, buyer, [token])
    assert held_uploads.SESSION_KEY not in session


def test_an_invalid_file_is_not_held_and_its_error_is_shown(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    response = client.post(
        reverse("forums:reply", args=[topic.pk]), {"reply-source": "", "reply-files": [pdf(), exe_as_pdf()]}
    )
    html = response.content.decode()
    assert "Please write your message." in html
    assert "“offre.pdf” is not a real .pdf file" in html
    assert "The files with an error were not kept: please choose them again." in html
    names = [entry["name"] for entry in client.session[held_uploads.SESSION_KEY].values()]
    assert names == ["cahier des charges.pdf"]
    assert len(held_tokens(html)) == 1


def test_a_second_file_too_big_keeps_the_first(client, login, buyer, public_category, make_topic, settings):
    topic = make_topic(public_category, buyer)
    login(buyer)
    settings.FORUM_ATTACHMENT_MAX_BYTES = 200
    big = pdf("gros.pdf", b"%PDF-1.7\n" + b"0" * 500)
    response = client.post(
        reverse("forums:reply", args=[topic.pk]), {"reply-source": "Deux", "reply-files": [pdf(), big]}
    )
    html = response.content.decode()
    errors = response.context["form"].errors["files"]
    assert sum("“gros.pdf” is too big" in error for error in errors) == 1  # the action's, not repeated
    assert "The files with an error were not kept: please choose them again." in errors
    assert "Keep “cahier des charges.pdf”" in html
    assert topic.posts.count() == 1


def test_a_new_topic_and_an_edit_keep_files_too(client, login, buyer, public_category, make_topic):
    login(buyer)
    url = reverse("forums:new_topic", args=[public_category.slug])
    html = client.post(url, {"topic-title": "Un", "topic-source": "Texte", "topic-files": [png()]}).content.decode()
    [token] = held_tokens(html)
    response = client.post(
        url, {"topic-title": "Un sujet", "topic-source": "Texte", "held_uploads": token, "held_keep": token}
    )
    assert response.status_code == 302
    topic = public_category.topics.get(title="Un sujet")
    assert topic.first_post.attachments.get().original_name == "plan.png"

    edit = reverse("forums:edit_post", args=[topic.first_post.pk])
    [token] = held_tokens(client.post(edit, {"edit-source": "", "edit-files": [pdf()]}).content.decode())
    assert client.post(edit, {"edit-source": "Texte", "held_uploads": token, "held_keep": token}).status_code == 302
    assert topic.first_post.attachments.count() == 2


def test_held_files_older_than_a_day_are_removed(buyer):
    session = {}
    listed, _errors = held_uploads.hold(session, buyer, [pdf()])
    old = session[held_uploads.SESSION_KEY][listed[0]["token"]]
    old["held_at"] -= 2 * 24 * 3600
    held_uploads.hold(session, buyer, [png()])
    assert not default_storage.exists(old["path"])
    assert [entry["name"] for entry in session[held_uploads.SESSION_KEY].values()] == ["plan.png"]
