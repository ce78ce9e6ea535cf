"""A company submits its bid in chromium, by keyboard: two files on two lots through the resumable uploads (one
chunk's connection cut on the way, the upload resuming by itself), the review, the submission, the receipt with
each file's SHA-256 — no console error but the cut connection's, no serious accessibility violation."""

import datetime
import hashlib
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from procurement.models_bids import Bid, BidStatus
from tests.procurement.bids_helpers import pdf_bytes
from tests.procurement.conftest import cpv_codes, make_notice, notice_index  # noqa: F401 (fixtures)

from .conftest import requires_chromium
from .test_forums import off_the_browser_loop
from .test_site_shell import serious_violations, translated

pytestmark = [pytest.mark.browser, requires_chromium]

CHUNK = 256 * 1024
LOTS = [(1, "Vitrerie des écoles", "90911300-9", None), (2, "Locaux administratifs", "90919200-4", None)]
# What the French page says: the catalogue's translation, or the English text while there is none yet.
DONE = translated("File received and sealed.", "fr")
RETRYING = translated("Connection lost, trying again…", "fr")
# The template's msgid is "{percent} %% sent" (makemessages doubles a template's %); the page shows one %.
PROGRESS = re.compile(
    "^" + re.escape(translated("{percent} %% sent", "fr").replace("%%", "%")).replace(r"\{percent\}", r"\d+") + "$"
)
CUT = "console: Failed to load resource: net::ERR_CONNECTION_RESET"


@pytest.fixture
def two_lot_notice(make_notice):  # noqa: F811
    """Published, two lots, bids due in three hours."""
    now = timezone.now()
    return off_the_browser_loop(
        make_notice,
        "Nettoyage des écoles et des locaux",
        lots=LOTS,
        questions_deadline=now + datetime.timedelta(hours=1),
        bids_deadline=now + datetime.timedelta(hours=3),
    )


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def press_enter_on(page, locator):
    """Reach a control and activate it as a keyboard user does; returns once the next page has loaded."""
    locator.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def fits_and_is_axe_clean(page):
    """No serious accessibility violation; at 320 px wide, nothing scrolls the page sideways (reflow)."""
    assert serious_violations(page) == [], page.url
    page.set_viewport_size({"width": 320, "height": 900})
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def buttons_shown(page):
    """Which of pause and resume can be seen (they are hidden unless an upload runs or is paused)."""
    return [name for name in ("pause", "resume") if page.locator(f"[data-resumable-{name}]").is_visible()]


def watch_the_upload(page):
    """Record every text of the status line and every value of the progress bar, as they change."""
    page.evaluate(
        """() => {
            window.seen = {statuses: [], progress: []};
            const status = document.querySelector('[data-resumable-status]');
            const bar = document.querySelector('[data-resumable-progress]');
            new MutationObserver(() => window.seen.statuses.push(status.textContent))
                .observe(status, {childList: true, characterData: true, subtree: true});
            new MutationObserver(() => window.seen.progress.push(bar.value))
                .observe(bar, {attributes: true, attributeFilter: ['value']});
        }"""
    )


def send_file(page, name, data):
    """Tab from the part to the file input (as the keyboard goes), choose the file, wait until it is sealed and the
    list of the bid's files has been refreshed."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "bid-file"
    page.evaluate(f"document.querySelector('[data-resumable-upload]').dataset.chunkSize = String({CHUNK})")
    watch_the_upload(page)
    page.locator("#bid-file").set_input_files(files=[{"name": name, "mimeType": "application/pdf", "buffer": data}])
    page.wait_for_function(
        "(name) => [...document.querySelectorAll('#bid-files td')].some((cell) => cell.textContent === name)",
        arg=name,
        timeout=30_000,
    )
    status = page.locator("[data-resumable-status]")
    assert status.inner_text() == DONE
    assert page.locator("#bid-file").input_value() == ""  # ready for the next file
    assert buttons_shown(page) == []
    return page.evaluate("window.seen")


def test_a_company_submits_two_files_on_two_lots_by_keyboard_through_a_cut_connection(
    page, live_server, home_page, two_lot_notice, company_member
):
    log_in(page, live_server, company_member)
    first = pdf_bytes(1_200_000)  # five chunks of 256 KB
    second = pdf_bytes(600_000, b"offre financiere du lot 2 ")  # three chunks

    # The third chunk of the first file loses its connection once; tus-js-client asks the server where it stands
    # and goes on.
    cut, patches = [], []

    def cut_the_third_chunk_once(route, request):
        if request.method == "PATCH":
            patches.append(request.headers.get("upload-offset"))
            if request.headers.get("upload-offset") == str(2 * CHUNK) and not cut:
                cut.append(request.url)
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/televersements/**", cut_the_third_chunk_once)

    # The notice page: "My bid", by keyboard.
    page.goto(two_lot_notice.url)
    press_enter_on(page, page.locator(".notice-bids a.button"))
    assert page.url.endswith(f"/avis/{two_lot_notice.pk}/offre/")
    press_enter_on(page, page.locator(".bid-preparation form button[type=submit]"))
    bid = Bid.objects.get(notice=two_lot_notice, status=BidStatus.DRAFT)
    assert page.locator("#bid-files").count() == 1
    assert buttons_shown(page) == []  # nothing to pause or resume yet
    fits_and_is_axe_clean(page)

    # First file: lot 1 (the first option), the application part (one up from the offer, the default).
    lot, part = page.locator("#bid-lot"), page.locator("#bid-part")
    lot.focus()
    assert lot.input_value() == "1"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "bid-part"
    assert part.input_value() == "offer"
    page.keyboard.press("ArrowUp")
    assert part.input_value() == "application"
    seen = send_file(page, "DC1 candidature.pdf", first)

    assert cut, "the third chunk's connection was cut"
    assert patches.count(str(2 * CHUNK)) == 2, patches  # sent again after the cut, nothing before it resent
    assert RETRYING in seen["statuses"], seen["statuses"]
    announced = [text for text in seen["statuses"] if PROGRESS.match(text)]
    assert len(announced) >= 2, seen["statuses"]
    assert seen["progress"] == sorted(seen["progress"]) and seen["progress"][-1] == 100, seen["progress"]
    assert len(set(seen["progress"])) >= 3, seen["progress"]  # the bar moved, not just jumped to the end
    assert page.evaluate("document.querySelector('[data-resumable-progress]').hidden") is False

    # Second file: lot 2, the offer.
    lot.focus()
    page.keyboard.press("ArrowDown")
    assert lot.input_value() == "2"
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    assert part.input_value() == "offer"
    send_file(page, "Offre lot 2.pdf", second)

    rows = page.locator("#bid-files tbody tr")
    assert rows.count() == 2
    hashes = {
        "DC1 candidature.pdf": hashlib.sha256(first).hexdigest(),
        "Offre lot 2.pdf": hashlib.sha256(second).hexdigest(),
    }
    listed = {
        rows.nth(index).locator("td").nth(2).inner_text(): rows.nth(index).locator(".bid-hash").inner_text()
        for index in range(2)
    }
    assert listed == hashes
    assert [rows.nth(index).locator("td").first.inner_text() for index in range(2)] == ["1", "2"]
    fits_and_is_axe_clean(page)

    # Review, then submit, by keyboard.
    confirm_url = f"/avis/{two_lot_notice.pk}/offre/{bid.pk}/deposer/"
    press_enter_on(page, page.locator(f"main a[href='{confirm_url}']"))
    assert page.url.endswith(confirm_url)
    assert sorted(page.locator(".bid-hash").all_inner_texts()) == sorted(hashes.values())
    fits_and_is_axe_clean(page)
    # Submit by keyboard. The first POST is held on its way, as on a slow line: an impatient second Enter sends
    # nothing more (data-submit-once), then the first goes through.
    held = []
    page.route(
        "**/deposer/", lambda route, request: held.append(route) if request.method == "POST" else route.continue_()
    )
    submit = page.locator("main form button[data-submit-once]")
    submit.focus()
    page.keyboard.press("Enter")
    for _attempt in range(250):
        if held:
            break
        page.wait_for_timeout(20)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert len(held) == 1
    with page.expect_navigation():
        held[0].continue_()
    page.unroute("**/deposer/")

    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED and bid.receipt_id
    assert page.url.endswith(f"/avis/accuses/{bid.receipt_id}/")
    assert bid.receipt_id in page.locator("h1").inner_text()
    receipt_hashes = page.locator("table.bid-files .bid-hash").all_inner_texts()
    assert sorted(receipt_hashes) == sorted(hashes.values())
    assert sorted(file["sha256"] for file in bid.receipt["files"]) == sorted(hashes.values())
    fits_and_is_axe_clean(page)

    assert page.console_problems == [CUT]
