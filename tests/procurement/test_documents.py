"""Buyers manage a notice's consultation documents (DCE): add, replace, remove; uploads refused when
too large, empty or of a refused kind; amendments once the notice is published."""

import hashlib
import os
import tempfile
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intranet.models import Notification
from procurement.actions.documents import do_add_document
from procurement.actions.downloads import do_record_download
from procurement.models import Amendment, ConsultationDocument, DocumentVersion, Download, NoticePage

PDF = b"%PDF-1.4 consultation\n" * 100


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def draft(make_notice):
    return make_notice(live=False, lots=[(1, "Voirie", "45233140-2", None), (2, "Espaces verts", "", None)])


def manage_url(notice):
    return reverse("procurement:documents_manage", args=[notice.pk])


def add(client, notice, title="CCTP", lot="", name="cctp.pdf", content=PDF, **extra):
    data = {"title": title, "lot": lot, "file": SimpleUploadedFile(name, content), **extra}
    return client.post(manage_url(notice), data)


def test_buyer_adds_a_document_to_a_draft_freely(login, buyer, draft, media_root):
    response = add(login(buyer), draft, title="Règlement de la consultation", lot="2", name="RC final.pdf")

    assert response.status_code == 302
    document = ConsultationDocument.objects.get(notice=draft)
    assert (document.title, document.lot_number) == ("Règlement de la consultation", 2)
    version = document.current
    assert (version.number, version.filename, version.size) == (1, "RC final.pdf", len(PDF))
    assert version.sha256 == hashlib.sha256(PDF).hexdigest()
    assert version.uploaded_by == buyer
    # Stored under a random name, never the one the browser sent.
    assert "RC" not in version.file.name and version.file.read() == PDF
    draft.refresh_from_db()
    assert draft.dce_version == 1 == version.dce_version
    assert not Amendment.objects.filter(notice=draft).exists()
    page = login(buyer).get(manage_url(draft))
    assert "RC final.pdf" in page.content.decode()


def test_replacing_a_document_makes_a_new_version_and_keeps_the_old(login, buyer, draft):
    client = login(buyer)
    add(client, draft)
    document = ConsultationDocument.objects.get(notice=draft)
    url = reverse("procurement:document_replace", args=[draft.pk, document.pk])

    response = client.post(url, {"file": SimpleUploadedFile("cctp-v2.pdf", PDF + b"v2")})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current.number == 2 and document.current.filename == "cctp-v2.pdf"
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    draft.refresh_from_db()
    assert draft.dce_version == 2


def test_removing_a_document_keeps_its_versions_for_the_history(login, buyer, draft):
    client = login(buyer)
    add(client, draft)
    document = ConsultationDocument.objects.get(notice=draft)

    response = client.post(reverse("procurement:document_remove", args=[draft.pk, document.pk]))

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.removed_at is not None
    assert document.versions.count() == 1 and document.current.file.read() == PDF
    draft.refresh_from_db()
    assert draft.dce_version == 2
    download = client.get(reverse("procurement:document_download", args=[draft.pk, document.pk]))
    assert download.status_code == 404


def test_after_publication_a_change_needs_a_reason(login, buyer, notice):
    client = login(buyer)

    response = add(client, notice, title="CCAP")

    assert response.status_code == 400
    assert "please give the reason for this change" in response.content.decode()
    assert 'value="CCAP"' in response.content.decode()  # what was typed is kept
    assert not ConsultationDocument.objects.filter(notice=notice).exists()
    assert NoticePage.objects.get(pk=notice.pk).dce_version == 0


def test_after_publication_a_change_is_an_amendment_told_to_downloaders(login, buyer, notice, company_member):
    client = login(buyer)
    add(client, notice, title="CCAP", name="ccap.pdf", reason="Ajout du CCAP oublié")
    document = ConsultationDocument.objects.get(notice=notice)
    do_record_download(notice, versions=[document.current], kind="file", user=company_member, identified=True)

    response = client.post(
        reverse("procurement:document_replace", args=[notice.pk, document.pk]),
        {"file": SimpleUploadedFile("ccap-v2.pdf", PDF), "reason": "Correction de l'article 4"},
    )

    assert response.status_code == 302
    first, second = Amendment.objects.filter(notice=notice).order_by("number")
    assert first.reason == "Ajout du CCAP oublié"
    assert first.changes[0]["field"] == "documents" and "ccap.pdf (version 1)" in first.changes[0]["after"]
    assert second.reason == "Correction de l'article 4"
    assert "ccap.pdf (version 1)" in second.changes[0]["before"]
    assert "ccap-v2.pdf (version 2)" in second.changes[0]["after"]
    assert Notification.objects.filter(recipient=company_member, verb="procurement.amendment").count() == 1

    removal = client.post(reverse("procurement:document_remove", args=[notice.pk, document.pk]), {"reason": ""})
    assert removal.status_code == 400
    assert ConsultationDocument.objects.get(pk=document.pk).removed_at is None


@pytest.mark.parametrize("who", ["other_admin", "company_member", "editor"])
def test_others_may_not_manage_documents(request, login, notice, draft, who):
    client = login(request.getfixturevalue(who))

    assert client.get(manage_url(notice)).status_code == 403
    assert add(client, notice, reason="x").status_code == 403
    # Another body's draft does not exist for them; the buyer body's editor sees it but may not manage it.
    assert client.get(manage_url(draft)).status_code == (403 if who == "editor" else 404)
    assert not ConsultationDocument.objects.exists()


def test_visitors_are_sent_to_log_in(client, notice):
    response = add(client, notice)

    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not ConsultationDocument.objects.exists()


def test_a_refused_kind_of_file_and_an_empty_file_are_refused(login, buyer, draft, media_root):
    client = login(buyer)

    wrong = add(client, draft, title="Programme", name="setup.exe", content=b"MZ...")
    empty = add(client, draft, title="Vide", name="vide.pdf", content=b"")

    assert wrong.status_code == 400 and "“setup.exe” cannot be added: accepted files are" in wrong.content.decode()
    assert empty.status_code == 400 and "“vide.pdf” is empty." in empty.content.decode()
    assert not ConsultationDocument.objects.exists() and stored_files(media_root) == []


class StreamedBody:
    """A multipart body read lazily: the file's bytes come from disk chunk by chunk."""

    def __init__(self, head: bytes, path: str, tail: bytes):
        self.parts = [head, path, tail]
        self.handle = None
        self.read_bytes = 0

    def read(self, size=-1):
        size = 1 << 30 if size is None or size < 0 else size
        out = b""
        while len(out) < size and self.parts:
            part = self.parts[0]
            if isinstance(part, bytes):
                out, rest = out + part[: size - len(out)], part[size - len(out) :]
                if rest:
                    self.parts[0] = rest
                else:
                    self.parts.pop(0)
            else:
                self.handle = self.handle or open(part, "rb")  # noqa: SIM115
                data = self.handle.read(size - len(out))
                if data:
                    out += data
                else:
                    self.handle.close()
                    self.parts.pop(0)
        self.read_bytes += len(out)
        return out

    def readline(self, size=-1):  # Django's LimitedStream wants it; multipart parsing never calls it
        raise NotImplementedError


def streamed_upload(client, url, fields: dict, filename: str, path: str, size: int):
    """POST a multipart form through the whole middleware stack without building the body in memory
    (the test client's `post()` reads files whole)."""
    boundary = "----dce-test-boundary"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = StreamedBody(head, path, tail)
    response = client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=url,
        CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(len(head) + size + len(tail)),
        **{"wsgi.input": body},
    )
    return response, body


def test_a_300_mb_file_is_refused_at_once_and_what_was_typed_is_kept(login, buyer, draft, media_root, tmp_path):
    client = login(buyer)
    size = 300 * 1024 * 1024
    with tempfile.NamedTemporaryFile(dir=tmp_path, suffix=".pdf") as big:
        big.truncate(size)  # sparse: takes no disk space
        tracemalloc.start()
        started = time.monotonic()
        response, body = streamed_upload(
            client, manage_url(draft), {"title": "Plans du projet", "lot": "1"}, "plans.pdf", big.name, size
        )
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    html = response.content.decode()
    assert response.status_code == 400
    assert "The file is larger than the 200 MB allowed." in html
    assert 'value="Plans du projet"' in html
    assert '<option value="1" selected>' in html
    assert not ConsultationDocument.objects.exists() and stored_files(media_root) == []
    # The request was not read beyond the limit: nothing like 300 MB went through memory or disk.
    assert body.read_bytes < 1024 * 1024
    assert peak < 20 * 1024 * 1024 and elapsed < 10


def test_a_file_passing_the_limit_while_streaming_is_refused(login, buyer, draft, media_root, settings, tmp_path):
    settings.PROCUREMENT_DCE_MAX_FILE_SIZE = 1024 * 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    client = login(buyer)
    path = tmp_path / "plans.pdf"
    path.write_bytes(b"%PDF" + os.urandom(1024 * 1024))

    response, body = streamed_upload(
        client, manage_url(draft), {"title": "Plans"}, "plans.pdf", str(path), path.stat().st_size
    )

    assert response.status_code == 400
    assert "The file is larger than the 1 MB allowed." in response.content.decode()
    assert 'value="Plans"' in response.content.decode()
    assert not DocumentVersion.objects.exists() and stored_files(media_root) == []
    # The temporary file of the refused upload is gone too.
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_file_within_the_limit_is_hashed_while_streaming(login, buyer, draft, settings, tmp_path):
    content = b"%PDF" + os.urandom(300 * 1024)
    path = tmp_path / "bpu.pdf"
    path.write_bytes(content)

    response, _body = streamed_upload(
        login(buyer), manage_url(draft), {"title": "BPU"}, "bpu.pdf", str(path), len(content)
    )

    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.sha256 == hashlib.sha256(content).hexdigest() and version.file.read() == content


def test_the_action_refuses_people_who_are_not_the_notice_buyers(other_admin, draft):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_add_document(
            draft, title="CCTP", lot_number=None, upload=SimpleUploadedFile("a.pdf", PDF), actor=other_admin
        )
    assert not Download.objects.exists() and not ConsultationDocument.objects.exists()


def test_uploads_keep_the_csrf_protection(buyer, draft, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(buyer, backend="django.contrib.auth.backends.ModelBackend")
    client.get(manage_url(draft))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    forged = add(client, draft, title="Sans jeton")
    sent = add(client, draft, title="Avec jeton", csrfmiddlewaretoken=token)

    assert forged.status_code == 403 and sent.status_code == 302
    assert list(ConsultationDocument.objects.values_list("title", flat=True)) == ["Avec jeton"]
