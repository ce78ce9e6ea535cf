"""Helpers of the bid tests: a company's bid through the real tus endpoints and views."""

import base64
from pathlib import Path

from django.core.files.storage import default_storage
from django.urls import reverse

from procurement.bid_uploads import PURPOSE
from procurement.models_bids import Bid, BidStatus

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
OCTETS = "application/offset+octet-stream"
# Recognisable, so that any run of it in the stored bytes would show.
SECRET = "Offre confidentielle n°42 : prix global 123 456,78 € HT, délai 12 semaines. ".encode()


def pdf_bytes(size: int = 300_000, marker: bytes = SECRET) -> bytes:
    body = b"%PDF-1.7\n" + marker * (size // len(marker) + 1)
    return body[:size]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def metadata(bid_id, lot=0, part="offer", filename="offre.pdf") -> str:
    pairs = {"filename": filename, "filetype": "application/pdf", "bid": str(bid_id), "lot": str(lot), "part": part}
    return ",".join(f"{key} {b64(value)}" for key, value in pairs.items())


def create(client, bid_id, length, **meta):
    return client.post(
        f"/televersements/{PURPOSE}/",
        HTTP_UPLOAD_LENGTH=str(length),
        HTTP_UPLOAD_METADATA=metadata(bid_id, **meta),
        **TUS,
    )


def patch(client, url, data: bytes, offset: int):
    extra = {"CONTENT_TYPE": OCTETS, "HTTP_UPLOAD_OFFSET": str(offset), **TUS}
    return client.generic("PATCH", url, data, content_type=OCTETS, **extra)


def upload(client, bid_id, data: bytes, chunk: int = 128 * 1024, **meta) -> str:
    """Send `data` as one bid file, in chunks; returns the upload's address."""
    created = create(client, bid_id, len(data), **meta)
    assert created.status_code == 201, created.content
    url = created["Location"]
    offset = 0
    while offset < len(data):
        response = patch(client, url, data[offset : offset + chunk], offset)
        assert response.status_code == 204, response.content
        offset = int(response["Upload-Offset"])
    return url


def start(client, notice) -> Bid:
    response = client.post(reverse("procurement:bid", kwargs={"notice_id": notice.pk}))
    assert response.status_code == 302, response.content
    return Bid.objects.filter(notice=notice, status=BidStatus.DRAFT).latest("pk")


def confirm(client, bid):
    return client.post(reverse("procurement:confirm_bid", kwargs={"notice_id": bid.notice_id, "bid_id": bid.pk}))


def submit(client, notice, files) -> Bid:
    """A whole bid: start, upload each (data, meta) of `files`, confirm. Returns the submitted bid."""
    bid = start(client, notice)
    for data, meta in files:
        upload(client, bid.pk, data, **meta)
    response = confirm(client, bid)
    assert response.status_code == 302, response.content.decode()[:2000]
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    return bid


def stored_bytes(bid_file) -> bytes:
    return Path(default_storage.path(bid_file.sealed["name"])).read_bytes()
