"""The whole DCE (or one lot's part) as a ZIP built while it is sent: every file, right contents,
a folder per lot, names made unique, memory far below the files' total size."""

import io
import os
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.actions.documents import do_add_document
from procurement.models import Download

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def add(notice, buyer, filename, content, lot=None, title=None):
    return do_add_document(
        notice,
        title=title or filename,
        lot_number=lot,
        upload=SimpleUploadedFile(filename, content),
        actor=buyer,
        reason="Mise en ligne",
    )


def test_a_zip_of_50_files_streams_them_all_with_little_memory(client, notice, buyer, tmp_path):
    contents = {}
    for index in range(50):
        contents[f"piece-{index:02d}.pdf"] = b"%PDF" + os.urandom(MB - 4)
        add(notice, buyer, f"piece-{index:02d}.pdf", contents[f"piece-{index:02d}.pdf"])

    response = client.get(reverse("procurement:dce_zip", args=[notice.pk]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(f'attachment; filename="DCE-{notice.reference}.zip"')
    archive = tmp_path / "dce.zip"  # on disk: only what the view holds in memory is measured
    with archive.open("wb") as out:
        tracemalloc.start()
        for chunk in response.streaming_content:
            out.write(chunk)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB for {len(contents)} MB of files"
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.testzip() is None
        assert sorted(zipped.namelist()) == sorted(contents)
        for name, content in contents.items():
            assert zipped.read(name) == content
    download = Download.objects.get()
    assert download.kind == "zip" and download.user is None and download.versions.count() == 50


def test_a_zip_has_a_folder_per_lot_and_unique_names(login, company_member, company, make_notice, buyer):
    notice = make_notice(lots=[(1, "Voirie", "45233140-2", None), (2, "Éclairage", "", None)])
    add(notice, buyer, "RC.pdf", b"%PDF rc")
    add(notice, buyer, "rc.pdf", b"%PDF autre rc", title="Annexe")
    add(notice, buyer, "CCTP.pdf", b"%PDF lot 1", lot=1)
    add(notice, buyer, "../CCTP.pdf", b"%PDF lot 1 bis", lot=1, title="CCTP bis")
    add(notice, buyer, "CCTP.pdf", b"%PDF lot 2", lot=2)
    client = login(company_member)
    url = reverse("procurement:dce_zip", args=[notice.pk])

    whole = client.post(url, {"identity": "identified"})
    lot_one = client.post(f"{url}?lot=1", {"identity": "identified"})

    with zipfile.ZipFile(io.BytesIO(b"".join(whole.streaming_content))) as zipped:
        assert sorted(zipped.namelist()) == [
            "Lot 1/CCTP (2).pdf",
            "Lot 1/CCTP.pdf",
            "Lot 2/CCTP.pdf",
            "RC.pdf",
            "rc (2).pdf",
        ]
        assert zipped.read("Lot 2/CCTP.pdf") == b"%PDF lot 2"
    with zipfile.ZipFile(io.BytesIO(b"".join(lot_one.streaming_content))) as zipped:
        # A lot's ZIP brings the common documents a bid for it needs too.
        assert sorted(zipped.namelist()) == ["Lot 1/CCTP (2).pdf", "Lot 1/CCTP.pdf", "RC.pdf", "rc (2).pdf"]
    assert lot_one["Content-Disposition"].startswith(f'attachment; filename="DCE-{notice.reference}-lot-1.zip"')
    whole_download, lot_download = Download.objects.order_by("pk")
    assert (whole_download.user, whole_download.organization) == (company_member, company)
    assert whole_download.versions.count() == 5 and lot_download.versions.count() == 4
    assert client.get(f"{url}?lot=9").status_code == 404
