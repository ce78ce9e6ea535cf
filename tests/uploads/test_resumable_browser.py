"""uploads/static/uploads/resumable.js in chromium: a file goes up in chunks through tus-js-client, a chunk's
connection is cut on the way and the upload goes on from where the server says it stands."""

import os

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client

from tests.e2e import conftest as e2e
from uploads import sinks
from uploads.models import Upload

# The browser tests' fixtures (chromium per module, a fresh context per test), used here by name.
browser = e2e.browser
page = e2e.page

pytestmark = [pytest.mark.browser, e2e.requires_chromium, pytest.mark.urls("tests.uploads.page_urls")]


@pytest.fixture
def plain_sink():
    sinks.register("essai", sinks.PlainFileSink())
    yield
    sinks.unregister("essai")


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def test_a_file_goes_up_in_chunks_and_survives_a_cut_connection(page, live_server, make_user, plain_sink):
    owner = make_user("navigateur@entreprise.fr")
    log_in(page, live_server, owner)

    cut = []

    def cut_the_third_chunk(route, request):
        if request.method == "PATCH" and request.headers.get("upload-offset") == str(2 * 256 * 1024) and not cut:
            cut.append(request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/televersements/**", cut_the_third_chunk)
    page.goto("/essai-televersement/")
    data = os.urandom(1024 * 1024 + 1000)  # 5 chunks of 256 KB
    page.set_input_files("#fichier", files=[{"name": "offre.pdf", "mimeType": "application/pdf", "buffer": data}])
    page.wait_for_selector("[data-resumable-status]:has-text('Fichier reçu.')", timeout=30_000)

    assert cut, "the third chunk's connection was cut"
    address = page.input_value("[data-resumable-result]")
    upload = Upload.objects.get()
    assert address.endswith(f"/televersements/essai/{upload.pk}/")
    assert upload.owner == owner and upload.state == Upload.State.COMPLETE
    assert upload.metadata["filename"] == "offre.pdf"
    with default_storage.open(upload.storage_name, "rb") as stored:
        assert stored.read() == data
    assert page.evaluate("document.querySelector('[data-resumable-progress]').value") == 100
    assert page.console_problems == ["console: Failed to load resource: net::ERR_CONNECTION_RESET"]


def test_a_refused_chunk_is_reported_and_the_same_file_chosen_again_resumes(
    page, live_server, make_user, plain_sink, tmp_path
):
    owner = make_user("navigateur@entreprise.fr")
    log_in(page, live_server, owner)
    data = os.urandom(1024 * 1024)  # 4 chunks of 256 KB
    path = tmp_path / "offre.pdf"
    path.write_bytes(data)

    def refuse_the_third_chunk(route, request):
        if request.method == "PATCH" and request.headers.get("upload-offset") == str(2 * 256 * 1024):
            route.fulfill(status=403, body="Refusé pour l’essai.", headers={"Tus-Resumable": "1.0.0"})
        else:
            route.continue_()

    page.route("**/televersements/**", refuse_the_third_chunk)
    page.goto("/essai-televersement/")
    page.set_input_files("#fichier", str(path))
    page.wait_for_selector("[data-resumable-status]:has-text('Refusé pour l’essai.')", timeout=30_000)
    assert page.text_content("[data-resumable-status]") == "Échec de l’envoi : Refusé pour l’essai."
    upload = Upload.objects.get()
    assert upload.offset == 2 * 256 * 1024

    # Later, the page opened again (the refusal gone): the same file continues the same upload.
    page.unroute("**/televersements/**")
    requests = []
    page.on("request", lambda request: requests.append((request.method, request.headers.get("upload-offset"))))
    page.goto("/essai-televersement/")
    page.set_input_files("#fichier", str(path))
    page.wait_for_selector("[data-resumable-status]:has-text('Fichier reçu.')", timeout=30_000)
    sent = [(method, offset) for method, offset in requests if method in ("POST", "PATCH")]
    assert sent == [("PATCH", str(2 * 256 * 1024)), ("PATCH", str(3 * 256 * 1024))]  # no new upload, no resend
    upload.refresh_from_db()
    assert Upload.objects.count() == 1 and upload.state == Upload.State.COMPLETE
    with default_storage.open(upload.storage_name, "rb") as stored:
        assert stored.read() == data
    # Complete: tus-js-client forgot the file, so choosing it once more starts a new upload.
    assert page.evaluate("Object.keys(localStorage).filter((key) => key.startsWith('tus::')).length") == 0
    assert page.console_problems == [
        "console: Failed to load resource: the server responded with a status of 403 (Forbidden)"
    ]
