"""Attachments: limits on number, size and type (checked on the content), random names, served as downloads."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from forums.actions import posting
from forums.models import Attachment, Post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def png(name="plan.png"):
    data = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(data, "PNG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/png")


def pdf(name="cahier des charges.pdf", content=b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="mémoire technique.docx"):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    return SimpleUploadedFile(name, data.getvalue(), content_type="application/octet-stream")


def exe_as_pdf():
    return SimpleUploadedFile(
        "offre.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, content_type="application/pdf"
    )


def test_accepted_files_are_stored_under_random_names_with_their_checked_type(buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    csv = SimpleUploadedFile("prix.csv", "lot;prix\n1;12,50 €\n".encode(), content_type="text/html")
    post = posting.do_reply(buyer, topic, "Pièces jointes", [png(), pdf(), docx(), csv])
    stored = {a.original_name: a for a in post.attachments.all()}
    assert set(stored) == {"plan.png", "cahier des charges.pdf", "mémoire technique.docx", "prix.csv"}
    assert stored["plan.png"].is_image and stored["plan.png"].content_type == "image/png"
    assert stored["prix.csv"].content_type == "text/csv"  # never what the browser claimed
    for attachment in stored.values():
        assert attachment.original_name not in attachment.file.name
        assert attachment.file.name.startswith("forums/")


def test_an_exe_renamed_pdf_is_refused(buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    with pytest.raises(posting.ValidationError) as error:
        posting.do_reply(buyer, topic, "Mon offre", [exe_as_pdf()])
    assert "“offre.pdf” is not a real .pdf file" in str(error.value)
    assert topic.posts.count() == 1
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html"),
        SimpleUploadedFile("image.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml"),
        SimpleUploadedFile("faux.png", b"<script>alert(1)</script>", content_type="image/png"),
        SimpleUploadedFile("faux.jpg", png().read(), content_type="image/jpeg"),  # a PNG named .jpg
        SimpleUploadedFile("faux.docx", b"%PDF-1.4", content_type="application/pdf"),
        SimpleUploadedFile("binaire.txt", b"abc\x00\x01\x02", content_type="text/plain"),
    ],
    ids=["exe", "html", "svg", "script-as-png", "png-as-jpg", "pdf-as-docx", "binary-as-txt"],
)
def test_files_outside_the_allow_list_or_lying_about_their_type_are_refused(buyer, public_category, make_topic, upload):
    topic = make_topic(public_category, buyer)
    with pytest.raises(posting.ValidationError):
        posting.do_reply(buyer, topic, "Fichier", [upload])
    assert not Attachment.objects.exists()


def test_size_and_number_limits_are_refused_with_clear_messages(
    client, login, buyer, public_category, make_topic, settings
):
    topic = make_topic(public_category, buyer)
    login(buyer)
    url = reverse("forums:reply", args=[topic.pk])
    response = client.post(url, {"reply-source": "Six fichiers", "reply-files": [png(f"p{i}.png") for i in range(6)]})
    assert "At most 5 files per message." in response.content.decode()
    settings.FORUM_ATTACHMENT_MAX_BYTES = 20
    response = client.post(url, {"reply-source": "Un gros fichier", "reply-files": [pdf()]})
    html = response.content.decode()
    assert "“cahier des charges.pdf” is too big" in html
    assert "Un gros fichier" in html  # the text is kept
    assert "please choose them again" in html
    assert topic.posts.count() == 1


def test_a_file_error_keeps_the_text_and_asks_for_the_files_again(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    response = client.post(
        reverse("forums:reply", args=[topic.pk]), {"reply-source": "Voici mon offre", "reply-files": [exe_as_pdf()]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a real .pdf file" in html
    assert "Voici mon offre" in html


def test_a_reply_with_files_through_the_form(client, login, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    login(buyer)
    response = client.post(
        reverse("forums:reply", args=[topic.pk]), {"reply-source": "Le plan", "reply-files": [png(), pdf()]}
    )
    assert response.status_code == 302
    assert Post.objects.get(number=2).attachments.count() == 2


def test_downloads_are_attachments_with_safe_headers(client, buyer, public_category, make_topic):
    topic = make_topic(public_category, buyer)
    post = posting.do_reply(buyer, topic, "Le CCTP", [pdf()])
    attachment = post.attachments.get()
    response = client.get(reverse("forums:attachment", args=[attachment.pk]))  # public: visitors too
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''cahier%20des%20charges.pdf" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_images_are_downloads_too(client, buyer, public_category, make_topic):
    post = posting.do_reply(buyer, make_topic(public_category, buyer), "Photo", [png("photo été.png")])
    response = client.get(reverse("forums:attachment", args=[post.attachments.get().pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "photo%20%C3%A9t%C3%A9.png" in response["Content-Disposition"]


def test_a_download_is_refused_to_those_who_cannot_read_the_topic(
    client, login, buyer, company_member, buyers_category, make_topic
):
    post = posting.do_reply(buyer, make_topic(buyers_category, buyer), "Interne", [pdf()])
    url = reverse("forums:attachment", args=[post.attachments.get().pk])
    assert client.get(url).status_code == 404
    login(company_member)
    assert client.get(url).status_code == 404
    login(buyer)
    assert client.get(url).status_code == 200


def test_a_deleted_post_s_files_are_no_longer_served(client, login, buyer, other_buyer, public_category, make_topic):
    post = posting.do_reply(buyer, make_topic(public_category, buyer), "Retiré", [pdf()])
    posting.do_delete_post(buyer, post)
    login(other_buyer)
    assert client.get(reverse("forums:attachment", args=[post.attachments.get().pk])).status_code == 404


def test_editing_removes_and_adds_files_within_the_limit(buyer, public_category, make_topic):
    post = posting.do_reply(buyer, make_topic(public_category, buyer), "Pièces", [png(f"p{i}.png") for i in range(5)])
    first = post.attachments.order_by("pk").first()
    with pytest.raises(posting.ValidationError):
        posting.do_edit_post(buyer, post, "Pièces", [pdf()])
    posting.do_edit_post(buyer, post, "Pièces", [pdf()], [first.pk])
    names = sorted(post.attachments.values_list("original_name", flat=True))
    assert names == ["cahier des charges.pdf", "p1.png", "p2.png", "p3.png", "p4.png"]
