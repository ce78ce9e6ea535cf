"""The tus 1.0 server (uploads app): protocol, refusals, resumption, cleanup, concurrency, streaming."""

import base64
import threading
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, connections
from django.test import AsyncClient, Client
from django.utils import timezone

from intranet import scheduler
from uploads import sinks
from uploads.cleanup import clean_expired_uploads
from uploads.models import Upload
from uploads.tasks import clean_uploads

PURPOSE = "essai"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
ASGI_TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"
DATA = bytes(range(256)) * 40  # 10 240 bytes, every byte value


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture(autouse=True)
def plain_sink():
    sink = sinks.PlainFileSink()
    sinks.register(PURPOSE, sink)
    yield sink
    sinks.unregister(PURPOSE)


@pytest.fixture
def owner(make_user):
    return make_user("depot@entreprise.fr")


@pytest.fixture
def owner_client(owner):
    client = Client()
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    return client


def create(client, length, metadata=None, purpose=PURPOSE, **extra):
    metadata = (
        f"filename {b64('offre technique.pdf')},filetype {b64('application/pdf')}" if metadata is None else metadata
    )
    return client.post(
        f"/televersements/{purpose}/", HTTP_UPLOAD_LENGTH=str(length), HTTP_UPLOAD_METADATA=metadata, **TUS, **extra
    )


def new_upload(client, length=None) -> str:
    response = create(client, len(DATA) if length is None else length)
    assert response.status_code == 201, response.content
    return response["Location"]


def patch(client, url, data: bytes, offset: int, content_type=OCTETS, **extra):
    # The test client leaves the content type out of a request without a body: give it in every case.
    extra = {"CONTENT_TYPE": content_type, "HTTP_UPLOAD_OFFSET": str(offset), **TUS, **extra}
    return client.generic("PATCH", url, data, content_type=content_type, **extra)


def head(client, url):
    return client.head(url, **TUS)


def upload_at(url: str) -> Upload:
    return Upload.objects.get(pk=url.rstrip("/").rsplit("/", 1)[1])


def stored(upload: Upload) -> bytes:
    return Path(default_storage.path(upload.storage_name)).read_bytes()


class CutStream:
    """A request body whose connection drops after `cut` bytes: the read raises (a reset connection), or
    returns nothing (a server that reports the end of the body)."""

    def __init__(self, data: bytes, cut: int, raises: bool = True):
        self.data, self.cut, self.raises, self.position = data, cut, raises, 0

    def read(self, size=-1):
        if self.position >= self.cut:
            if self.raises:
                raise OSError("Connection reset by peer")
            return b""
        end = self.cut if size is None or size < 0 else min(self.position + size, self.cut)
        piece = self.data[self.position : end]
        self.position = end
        return piece

    readline = read  # what a WSGI input offers; never called for a PATCH


# Discovery and creation


def test_options_announce_the_protocol_to_anyone(client):
    response = client.options(f"/televersements/{PURPOSE}/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Resumable"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination", "expiration"}
    assert int(response["Tus-Max-Size"]) == 2 * 1024**3


def test_creation_records_the_upload_and_answers_with_its_address(owner_client, owner):
    response = create(owner_client, len(DATA))
    assert response.status_code == 201
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Upload-Expires"].endswith("GMT")
    upload = upload_at(response["Location"])
    assert response["Location"] == f"/televersements/{PURPOSE}/{upload.pk}/"
    assert upload.owner == owner and upload.purpose == PURPOSE
    assert (upload.length, upload.offset, upload.state) == (len(DATA), 0, Upload.State.RECEIVING)
    assert upload.metadata == {"filename": "offre technique.pdf", "filetype": "application/pdf"}
    assert upload.storage_name == f"uploads/{upload.pk}"
    assert stored(upload) == b""
    assert timedelta(hours=23) < upload.expires_at - timezone.now() <= timedelta(days=1)


def test_metadata_keys_without_value_and_empty_metadata(owner_client):
    upload = upload_at(create(owner_client, 10, metadata=f"is_confidential,filename {b64('é.txt')}")["Location"])
    assert upload.metadata == {"is_confidential": None, "filename": "é.txt"}
    assert upload_at(create(owner_client, 10, metadata="")["Location"]).metadata == {}


@pytest.mark.parametrize(
    "metadata",
    [
        "filename b2ZmcmUucGRm!",  # not base64
        "filename b2ZmcmU",  # truncated base64
        "filename //4=",  # bytes FF FE: not UTF-8 text
        f"filename {b64('a')},filename {b64('b')}",  # a key twice
        f"file name {b64('a')}",  # a space in a key
    ],
)
def test_bad_metadata_is_refused_with_400(owner_client, metadata):
    response = create(owner_client, 10, metadata=metadata)
    assert response.status_code == 400
    assert response.content  # a short text says why
    assert not Upload.objects.exists()


def test_creation_needs_a_known_length_within_the_limit(owner_client, settings):
    assert owner_client.post(f"/televersements/{PURPOSE}/", **TUS).status_code == 400
    assert create(owner_client, "dix").status_code == 400
    assert create(owner_client, -1).status_code == 400
    deferred = owner_client.post(f"/televersements/{PURPOSE}/", HTTP_UPLOAD_DEFER_LENGTH="1", **TUS)
    assert deferred.status_code == 400
    settings.UPLOADS_MAX_SIZE = 1000
    assert create(owner_client, 1001).status_code == 413
    assert not Upload.objects.exists()
    assert create(owner_client, 1000).status_code == 201


def test_unknown_purpose_and_sink_refusal(owner_client):
    assert create(owner_client, 10, purpose="inconnu").status_code == 404

    class Picky(sinks.PlainFileSink):
        def may_create(self, request, metadata, length):
            if not (metadata.get("filename") or "").endswith(".pdf"):
                return False, "PDF seulement."
            return True, ""

    sinks.register("pdf", Picky())
    try:
        refused = create(owner_client, 10, metadata=f"filename {b64('offre.exe')}", purpose="pdf")
        assert refused.status_code == 403
        assert refused.content.decode() == "PDF seulement."
        assert not Upload.objects.exists()
        assert create(owner_client, 10, purpose="pdf").status_code == 201
    finally:
        sinks.unregister("pdf")


def test_an_empty_file_is_complete_at_once(owner_client):
    url = new_upload(owner_client, length=0)
    response = head(owner_client, url)
    assert (response["Upload-Offset"], response["Upload-Length"]) == ("0", "0")
    assert upload_at(url).state == Upload.State.COMPLETE


# Core protocol


def test_append_in_several_patches_with_offset_discovery(owner_client):
    url = new_upload(owner_client)
    response = head(owner_client, url)
    assert response.status_code == 200
    assert (response["Upload-Offset"], response["Upload-Length"]) == ("0", str(len(DATA)))
    assert response["Cache-Control"] == "no-store"
    assert response["Upload-Metadata"] == f"filename {b64('offre technique.pdf')},filetype {b64('application/pdf')}"
    empty = patch(owner_client, url, b"", 0, CONTENT_LENGTH="0")  # an empty PATCH only says where the upload stands
    assert empty.status_code == 204 and empty["Upload-Offset"] == "0"
    offset = 0
    for size in (4000, 4000, len(DATA) - 8000):
        response = patch(owner_client, url, DATA[offset : offset + size], offset)
        assert response.status_code == 204, response.content
        offset += size
        assert response["Upload-Offset"] == str(offset)
        assert head(owner_client, url)["Upload-Offset"] == str(offset)
    assert "Upload-Expires" not in response  # complete: the consumer decides what becomes of it
    upload = upload_at(url)
    assert upload.state == Upload.State.COMPLETE and upload.offset == len(DATA)
    assert stored(upload) == DATA
    assert upload.writer is None


def test_each_chunk_pushes_the_expiry_back(owner_client):
    url = new_upload(owner_client)
    Upload.objects.update(expires_at=timezone.now() + timedelta(minutes=5))
    assert patch(owner_client, url, DATA[:100], 0).status_code == 204
    assert upload_at(url).expires_at - timezone.now() > timedelta(hours=23)


@pytest.mark.parametrize("raises", [True, False], ids=["connection-reset", "body-ends-early"])
def test_dropped_connection_keeps_what_was_written_and_resumes_from_head(owner_client, settings, raises):
    settings.UPLOADS_READ_BYTES = 1000
    url = new_upload(owner_client)
    cut = patch(
        owner_client,
        url,
        b"",
        0,
        **{"wsgi.input": CutStream(DATA, 4500, raises), "CONTENT_LENGTH": "8000"},
    )
    assert cut.status_code == 400
    assert cut["Upload-Offset"] == "4500"
    upload = upload_at(url)
    assert upload.offset == 4500 and upload.writer is None  # the claim is released for the next PATCH
    assert stored(upload) == DATA[:4500]

    offset = int(head(owner_client, url)["Upload-Offset"])
    assert patch(owner_client, url, DATA[offset:], offset).status_code == 204
    assert stored(upload_at(url)) == DATA
    assert upload_at(url).state == Upload.State.COMPLETE


def test_replayed_or_out_of_order_chunk_is_refused_with_nothing_written(owner_client):
    url = new_upload(owner_client)
    assert patch(owner_client, url, DATA[:100], 0).status_code == 204
    replayed = patch(owner_client, url, b"X" * 100, 0)
    assert replayed.status_code == 409
    assert replayed["Upload-Offset"] == "100"
    assert patch(owner_client, url, b"X" * 100, 200).status_code == 409  # out of order
    upload = upload_at(url)
    assert upload.offset == 100 and stored(upload) == DATA[:100]


def test_wrong_content_type_is_refused_with_415(owner_client):
    url = new_upload(owner_client)
    response = patch(owner_client, url, DATA[:100], 0, content_type="application/octet-stream")
    assert response.status_code == 415
    assert response.content
    assert upload_at(url).offset == 0 and stored(upload_at(url)) == b""


def test_oversized_requests_are_refused_with_413(owner_client, settings):
    settings.UPLOADS_MAX_CHUNK_BYTES = 1000
    url = new_upload(owner_client)
    too_big = patch(owner_client, url, DATA[:1001], 0)
    assert too_big.status_code == 413
    assert "1000" in too_big.content.decode()
    assert patch(owner_client, url, DATA[:1000], 0).status_code == 204
    small = new_upload(owner_client, length=10)
    assert patch(owner_client, small, b"x" * 11, 0).status_code == 413  # beyond the announced length
    assert upload_at(url).offset == 1000 and upload_at(small).offset == 0
    assert stored(upload_at(small)) == b""


def test_patch_needs_an_offset_and_a_length(owner_client):
    url = new_upload(owner_client)
    response = owner_client.generic("PATCH", url, b"abc", content_type=OCTETS, **TUS)
    assert response.status_code == 400
    no_length = patch(owner_client, url, b"abc", 0, CONTENT_LENGTH="")
    assert no_length.status_code == 411
    assert upload_at(url).offset == 0


def test_other_methods_are_not_allowed(owner_client):
    url = new_upload(owner_client)
    assert owner_client.get(url, **TUS).status_code == 405
    assert owner_client.put(url, b"abc", content_type=OCTETS, **TUS).status_code == 405
    assert owner_client.get(f"/televersements/{PURPOSE}/", **TUS).status_code == 405


def test_missing_or_other_tus_version_is_refused_with_412(owner_client):
    url = new_upload(owner_client)
    for version in ({}, {"HTTP_TUS_RESUMABLE": "0.2.2"}):
        response = owner_client.head(url, **version)
        assert response.status_code == 412
        assert response["Tus-Version"] == "1.0.0"
        unversioned = owner_client.generic("PATCH", url, b"abc", content_type=OCTETS, HTTP_UPLOAD_OFFSET="0", **version)
        assert unversioned.status_code == 412
    assert owner_client.post(f"/televersements/{PURPOSE}/", HTTP_UPLOAD_LENGTH="10").status_code == 412
    assert upload_at(url).offset == 0 and Upload.objects.count() == 1


# Who may do what


def test_anonymous_is_refused(client, owner_client):
    assert create(client, 10).status_code == 403
    assert not Upload.objects.exists()
    url = new_upload(owner_client)
    assert head(client, url).status_code == 403
    assert patch(client, url, b"abc", 0).status_code == 403
    assert client.delete(url, **TUS).status_code == 403
    assert upload_at(url).offset == 0


def test_someone_else_gets_404_as_for_an_unknown_upload(owner_client, make_user, platform_admin):
    url = new_upload(owner_client)
    assert patch(owner_client, url, DATA[:100], 0).status_code == 204
    unknown = f"/televersements/{PURPOSE}/00000000-0000-4000-8000-000000000000/"
    for someone in (make_user("autre@concurrent.fr"), platform_admin):
        intruder = Client()
        intruder.force_login(someone, backend="django.contrib.auth.backends.ModelBackend")
        answers = {}
        for target in (url, unknown):
            answers[target] = [
                head(intruder, target),
                patch(intruder, target, b"X" * 100, 100),
                intruder.delete(target, **TUS),
            ]
        for theirs, nobodys in zip(answers[url], answers[unknown], strict=True):
            assert theirs.status_code == nobodys.status_code == 404
            assert theirs.content == nobodys.content
    # The same upload under another purpose's address does not exist either.
    sinks.register("autre", sinks.PlainFileSink())
    try:
        assert head(owner_client, url.replace(f"/{PURPOSE}/", "/autre/")).status_code == 404
    finally:
        sinks.unregister("autre")
    upload = upload_at(url)
    assert upload.offset == 100 and stored(upload) == DATA[:100]


def test_csrf_token_is_required_in_a_header(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    assert create(client, 10).status_code == 403
    assert not Upload.objects.exists()
    token = "abcdefghijklmnopqrstuvwxyzABCDEF"  # a CSRF secret: 32 letters
    client.cookies["csrftoken"] = token
    assert create(client, 10).status_code == 403  # the cookie alone is not enough
    created = create(client, 10, HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201
    url = created["Location"]
    assert patch(client, url, b"0123456789", 0).status_code == 403
    assert client.delete(url, **TUS).status_code == 403
    assert head(client, url).status_code == 200  # safe methods need no token
    assert patch(client, url, b"0123456789", 0, HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.delete(url, HTTP_X_CSRFTOKEN=token, **TUS).status_code == 204


# Termination and expiration


def test_termination_removes_the_row_and_the_bytes(owner_client):
    url = new_upload(owner_client)
    assert patch(owner_client, url, DATA[:100], 0).status_code == 204
    path = Path(default_storage.path(upload_at(url).storage_name))
    assert path.exists()
    assert owner_client.delete(url, **TUS).status_code == 204
    assert not path.exists()
    assert not Upload.objects.exists()
    assert head(owner_client, url).status_code == 404
    assert patch(owner_client, url, DATA[100:200], 100).status_code == 404


def test_expired_uploads_are_removed_by_the_command_and_the_periodic_task(owner_client):
    abandoned = upload_at(new_upload(owner_client))
    complete = upload_at(new_upload(owner_client, length=100))
    assert patch(owner_client, f"/televersements/{PURPOSE}/{complete.pk}/", DATA[:100], 0).status_code == 204
    active = upload_at(new_upload(owner_client))
    taken_over = upload_at(new_upload(owner_client))
    Upload.objects.filter(pk=taken_over.pk).update(expires_at=None)  # a consumer took it over
    later = timezone.now() + timedelta(hours=12)  # the fresh uploads expire in a day
    Upload.objects.filter(pk__in=[abandoned.pk, complete.pk]).update(expires_at=later - timedelta(hours=1))
    # Past its expiry, an upload is gone for its owner too, even before the cleanup runs.
    Upload.objects.filter(pk=abandoned.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert head(owner_client, f"/televersements/{PURPOSE}/{abandoned.pk}/").status_code == 404
    Upload.objects.filter(pk=abandoned.pk).update(expires_at=later - timedelta(hours=1))

    assert clean_expired_uploads(now=later) == 2
    assert set(Upload.objects.values_list("pk", flat=True)) == {active.pk, taken_over.pk}
    for gone in (abandoned, complete):
        assert not Path(default_storage.path(gone.storage_name)).exists()
    assert Path(default_storage.path(active.storage_name)).exists()

    Upload.objects.filter(pk=active.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    call_command("clean_uploads", stdout=StringIO())
    assert list(Upload.objects.values_list("pk", flat=True)) == [taken_over.pk]
    assert not Path(default_storage.path(active.storage_name)).exists()


def test_the_cleanup_runs_every_hour_through_the_scheduler(owner_client):
    job = next(job for job in scheduler.jobs() if job.name == "uploads.clean_uploads")
    assert job.period == "hourly" and job.task is clean_uploads
    url = new_upload(owner_client)
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    clean_uploads.enqueue()  # the test settings run tasks at once
    assert not Upload.objects.exists()
    assert not Path(default_storage.path(f"uploads/{url.rstrip('/').rsplit('/', 1)[1]}")).exists()


def test_the_cleanup_leaves_an_upload_a_patch_is_writing_to(owner_client):
    upload = upload_at(new_upload(owner_client))
    Upload.objects.update(expires_at=timezone.now() - timedelta(seconds=1), writer=uuid.uuid4())
    assert clean_expired_uploads() == 0
    assert Upload.objects.filter(pk=upload.pk).exists()


def test_termination_waits_for_a_running_patch(owner_client):
    url = new_upload(owner_client)
    Upload.objects.update(writer=uuid.uuid4(), writer_seen_at=timezone.now())
    assert owner_client.delete(url, **TUS).status_code == 423
    assert Upload.objects.exists()


def test_a_dead_patch_gives_its_upload_up_after_the_writer_timeout(owner_client):
    url = new_upload(owner_client)
    Upload.objects.update(writer=uuid.uuid4(), writer_seen_at=timezone.now() - timedelta(minutes=6))
    assert patch(owner_client, url, DATA[:100], 0).status_code == 204
    assert upload_at(url).offset == 100 and upload_at(url).writer is None


# Streaming: a PATCH reaches the sink in bounded pieces


class RecordingSink(sinks.PlainFileSink):
    def __init__(self):
        self.pieces = []

    def append(self, upload, piece, final):
        self.pieces.append((upload.offset, len(piece), final))
        return super().append(upload, piece, final)


def test_a_patch_is_streamed_to_the_sink_in_pieces_of_at_most_the_read_size(owner_client, settings):
    sink = RecordingSink()
    sinks.register(PURPOSE, sink)
    megabyte = 1024 * 1024
    settings.UPLOADS_READ_BYTES = megabyte  # smaller than a PATCH may be (8 MiB), to see the pieces
    assert settings.UPLOADS_MAX_CHUNK_BYTES == 8 * megabyte
    body = DATA * 512  # 5 MB in one PATCH
    url = new_upload(owner_client, length=len(body))
    assert patch(owner_client, url, body, 0).status_code == 204
    assert max(size for _offset, size, _final in sink.pieces) <= megabyte
    assert [offset for offset, _size, _final in sink.pieces] == list(range(0, len(body), megabyte))
    assert [final for _offset, _size, final in sink.pieces] == [False] * 4 + [True]
    assert stored(upload_at(url)) == body


@pytest.mark.django_db(transaction=True)
async def test_under_asgi_too_a_patch_larger_than_a_request_body_may_be_is_streamed(owner, settings):
    """Through Django's ASGI handler: the body (6 MB, over DATA_UPLOAD_MAX_MEMORY_SIZE) is never read whole."""
    sink = RecordingSink()
    sinks.register(PURPOSE, sink)
    settings.UPLOADS_READ_BYTES = 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < 6 * 1024 * 1024
    body = DATA * 615  # a little over 6 MB
    client = AsyncClient()
    try:
        await client.aforce_login(owner, backend="django.contrib.auth.backends.ModelBackend")
        headers = {**ASGI_TUS, "Upload-Length": str(len(body))}
        created = await client.post(f"/televersements/{PURPOSE}/", headers=headers)
        assert created.status_code == 201
        headers = {**ASGI_TUS, "Upload-Offset": "0"}
        response = await client.generic("PATCH", created["Location"], body, content_type=OCTETS, headers=headers)
        assert response.status_code == 204, response.content
        assert max(size for _offset, size, _final in sink.pieces) <= settings.UPLOADS_READ_BYTES
        assert len(sink.pieces) == 7
        upload = await sync_to_async(upload_at)(created["Location"])
        assert upload.state == Upload.State.COMPLETE and stored(upload) == body
    finally:
        # The ORM's thread for async code keeps its connection: close it, or the test database stays in use.
        await sync_to_async(connections.close_all)()


# Concurrency: two PATCHes at the same offset, one wins


class BlockingSink(sinks.PlainFileSink):
    """Holds the first piece of a PATCH until told to go on, so that another PATCH arrives meanwhile."""

    def __init__(self):
        self.entered, self.go_on = threading.Event(), threading.Event()

    def append(self, upload, piece, final):
        self.entered.set()
        assert self.go_on.wait(30)
        return super().append(upload, piece, final)


def _patch_in_thread(owner, url, data, offset, results, key):
    def run():
        try:
            client = Client()
            client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
            results[key] = patch(client, url, data, offset)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_second_patch_while_one_is_writing_is_refused_and_writes_nothing(owner, owner_client):
    sink = BlockingSink()
    sinks.register(PURPOSE, sink)
    url = new_upload(owner_client)
    results = {}
    first = _patch_in_thread(owner, url, DATA[:1000], 0, results, "first")
    try:
        assert sink.entered.wait(30)
        second = patch(owner_client, url, b"X" * 1000, 0)
        assert second.status_code == 423
        assert owner_client.delete(url, **TUS).status_code == 423  # nor deleted under its feet
    finally:
        sink.go_on.set()
        first.join(30)
    assert results["first"].status_code == 204
    replayed = patch(owner_client, url, b"X" * 1000, 0)  # the loser retries: the offset has moved
    assert replayed.status_code == 409 and replayed["Upload-Offset"] == "1000"
    assert stored(upload_at(url)) == DATA[:1000]


@pytest.mark.django_db(transaction=True)
def test_two_patches_racing_at_the_same_offset_one_wins(owner, owner_client):
    url = new_upload(owner_client)
    results, start = {}, threading.Barrier(2)

    threads = []
    for key, byte in (("a", b"A"), ("b", b"B")):

        def run(key=key, byte=byte):
            try:
                client = Client()
                client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
                start.wait(30)
                results[key] = patch(client, url, byte * 3000, 0)
            finally:
                connection.close()

        threads.append(threading.Thread(target=run))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(response.status_code for response in results.values())
    assert statuses[0] == 204 and statuses[1] in (409, 423)
    winner = next(key for key, response in results.items() if response.status_code == 204)
    upload = upload_at(url)
    assert upload.offset == 3000
    assert stored(upload) == winner.upper().encode() * 3000


def test_a_patch_whose_upload_was_taken_over_stops_writing(owner_client, settings):
    """A PATCH silent for longer than UPLOADS_WRITER_TIMEOUT loses its claim to the next one: it then writes
    nothing more (here the takeover happens while its first piece is being stored)."""
    settings.UPLOADS_READ_BYTES = 1000

    class TakenOver(sinks.PlainFileSink):
        def append(self, upload, piece, final):
            Upload.objects.filter(pk=upload.pk).update(writer=uuid.uuid4(), writer_seen_at=timezone.now())
            return super().append(upload, piece, final)

    sinks.register(PURPOSE, TakenOver())
    url = new_upload(owner_client)
    response = patch(owner_client, url, DATA[:3000], 0)
    assert response.status_code == 409
    upload = upload_at(url)
    assert upload.offset == 0  # its piece is not counted: the new writer starts again from 0
    assert stored(upload) == DATA[:1000]  # one piece hit the file, and will be overwritten from offset 0
