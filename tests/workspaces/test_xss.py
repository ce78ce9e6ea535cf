"""XSS: the Big List of Naughty Strings' script injections (and a few Markdown link tricks), written into every
piece of user content of a workspace, render inert everywhere they are shown.

Where they go: chat messages (through the action, through the page's plain form, through the WebSocket), edited
messages (action and form), quoted replies and thread replies, notes (title and body, created and edited, through
the action and the form), file and folder names (uploaded through the form and the action), workspace names and
descriptions, channel names and topics, a person's name.

What is checked: each page (and the JSON history's `html`, and the WebSocket's frames) is parsed with
`html.parser`; nothing that could run may appear — no `<script>` element except the site's own static files, no
`on*` attribute, no `javascript:`/`vbscript:`/`data:text/html` URL, no `style` attribute or element, no frame,
object or `<base>` (tests/workspaces/fixtures_f.ActiveContent). Names and titles must also be shown, as text: a
page that silently dropped the content would prove nothing. (A real browser showing no dialog is another
helper's test.)
"""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse

from intranet.models import User
from tests.workspaces.fixtures_f import (
    ALLOWED_ORIGIN,
    TIMEOUT,
    active_content,
    add_member,
    build_people,
    class_db,  # noqa: F401 - class-scoped fixtures
    class_index,  # noqa: F401
    client_for,
    fresh,
    index_workspace_content,
    session_cookie,
    shown_text,
)
from workspaces.actions.chat import (
    CHANNEL_NAME_MAX_LENGTH,
    CHANNEL_TOPIC_MAX_LENGTH,
    do_create_channel,
    do_edit_message,
    do_post_message,
)
from workspaces.actions.files import do_create_folder, do_upload_file
from workspaces.actions.notes import TITLE_MAX_LENGTH, do_create_note, do_save_note
from workspaces.actions.workspaces import do_create_workspace
from workspaces.models import Channel, File, Folder, Message, Note

# From the Big List of Naughty Strings (github.com/minimaxir/big-list-of-naughty-strings, "Script Injection" and
# "XSS" sections; the \x.. sequences are written as the list writes them), then Markdown link tricks.
PAYLOADS = [
    "<script>alert(0)</script>",
    "&lt;script&gt;alert(&#39;1&#39;);&lt;/script&gt;",
    "<img src=x onerror=alert(2) />",
    "<svg><script>123<1>alert(3)</script>",
    '"><script>alert(4)</script>',
    "'><script>alert(5)</script>",
    "><script>alert(6)</script>",
    "</script><script>alert(7)</script>",
    "< / script >< script >alert(8)< / script >",
    " onfocus=JaVaSCript:alert(9) autofocus",
    '" onfocus=JaVaSCript:alert(10) autofocus',
    "' onfocus=JaVaSCript:alert(11) autofocus",
    "＜script＞alert(12)＜/script＞",
    "<sc<script>ript>alert(13)</sc</script>ript>",
    "--><script>alert(14)</script>",
    '";alert(15);t="',
    "';alert(16);t='",
    "JavaSCript:alert(17)",
    "src=JaVaSCript:prompt(19)",
    '"><script>alert(20);</script x="',
    "'><script>alert(21);</script x='",
    '" autofocus onkeyup="javascript:alert(23)',
    "' autofocus onkeyup='javascript:alert(24)",
    r'<script\x20type="text/javascript">javascript:alert(25);</script>',
    r'<script\x3Etype="text/javascript">javascript:alert(26);</script>',
    r"""'`"><\x3Cscript>javascript:alert(40)</script>""",
    r'ABC<div style="x\x3Aexpression(javascript:alert(42)">DEF',
    r'<a href="\x0Bjavascript:javascript:alert(70)" id="fuzzelement1">test</a>',
    r"""`"'><img src=xxx:x \x0Aonerror=javascript:alert(80)>""",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;"
    "&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="http://ha.ckers.org/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    "<iframe src=http://ha.ckers.org/scriptlet.html <",
    "<u oncopy=alert()> Copy me</u>",
    "<i onwheel=alert(1)> Scroll over me </i>",
    "</textarea><script>alert(123)</script>",
    "<svg onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    # Markdown: links and images are where a sanitizer must look at the URL.
    "[cliquez ici](javascript:alert(1))",
    "![image](javascript:alert(2))",
    '[lien](JaVaScRiPt:alert(3) "titre")',
    '<a href="javascript&colon;alert(4)">lien</a>',
    "[données](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(5)>",
]


def plain(text: str) -> str:
    """A name as a reader sees it: whitespace collapsed (as the actions store names, as HTML shows them)."""
    return " ".join(text.split())


def findings(html: str, *, page: bool = True) -> list[str]:
    return active_content(html, page=page)


class Pages:
    """Fetch pages and gather, per URL, whatever could run."""

    def __init__(self, client):
        self.client = client
        self.problems: dict[str, list[str]] = {}
        self.fetched = 0

    def get(self, url, params=None, *, status=200):
        response = self.client.get(url, params or {})
        assert response.status_code == status, (url, response.status_code)
        self.check(url, response)
        return response

    def check(self, url, response):
        self.fetched += 1
        if response.get("Content-Type", "").startswith("application/json"):
            data = response.json()
            for message in data.get("messages", []):
                self.note(f"{url} #{message['seq']}", findings(message["html"], page=False))
        else:
            self.note(url, findings(response.content.decode()))

    def note(self, where, found):
        if found:
            self.problems[where] = found

    def all_pages(self, url, params=None):
        """A channel page and its older pages (`?avant=`), as someone scrolling back would."""
        responses, params = [], dict(params or {})
        while True:
            response = self.get(url, params)
            responses.append(response)
            if not response.context["has_older"]:
                return responses
            params["avant"] = response.context["older_before"]

    def search_pages(self, url, params):
        """Every page of a search's results."""
        responses, page = [], 1
        while True:
            response = self.get(url, {**params, "page": page})
            responses.append(response)
            page_obj = response.context.get("page_obj")
            if page_obj is None or not page_obj.has_next():
                return responses
            page += 1


# The content, written once for the class -------------------------------------------------------------------------


@pytest.fixture(scope="class")
def content(class_db, class_index):  # noqa: F811 - the fixtures imported above
    _orgs, people = build_people()
    owner, member = people["owner"], people["member"]
    # A person whose name is a payload (shown as the author of messages, in the members list).
    member.first_name, member.last_name = "<img src=x onerror=alert('nom')>", '"><script>alert(1)</script>'
    member.save()
    main = do_create_workspace(owner, name="Espace d’essai XSS", description=PAYLOADS[0])
    add_member(main, member)
    owner, member = fresh(owner), fresh(member)
    web = client_for(Client(), member)
    posts = Pages(web)  # the pages answering the forms, with the payloads in them, are checked too

    # Workspaces named and described with the payloads (the owner belongs to all of them).
    workspaces = [
        do_create_workspace(owner, name=f"{payload[:110]} {i}", description=payload)
        for i, payload in enumerate(PAYLOADS)
    ]
    owner = fresh(owner)

    # Channels named and described with them.
    channels = [
        do_create_channel(
            main, owner, name=f"{payload[: CHANNEL_NAME_MAX_LENGTH - 4]} {i}", topic=payload[:CHANNEL_TOPIC_MAX_LENGTH]
        )
        for i, payload in enumerate(PAYLOADS)
    ]
    general = Channel.objects.get(workspace=main, is_general=True)
    by_form = do_create_channel(main, owner, name="Envois par le formulaire")
    edited = do_create_channel(main, owner, name="Messages modifiés")

    # Messages: through the action (with a thread of payload replies), through the page's form, edited both ways,
    # and quoted.
    root = None
    for payload in PAYLOADS:
        message, _ = do_post_message(member, general, payload)
        root = root or message
    for payload in PAYLOADS:
        do_post_message(owner, general, payload, thread_root=root.seq)
    for i, payload in enumerate(PAYLOADS):
        response = web.post(
            reverse("workspaces:channel_post", args=[by_form.pk]), {"body": payload, "client_key": f"k{i}"}
        )
        assert response.status_code == 302
    assert Message.objects.filter(channel=by_form).count() == len(PAYLOADS)
    for i, payload in enumerate(PAYLOADS):
        message, _ = do_post_message(member, edited, f"Texte d’origine {i}")
        if i % 2:
            url = reverse("workspaces:message_action", args=[edited.pk, message.seq, "modifier"])
            response = web.post(url, {"body": payload})
            assert response.status_code == 302, response.status_code
        else:
            do_edit_message(member, message, payload)
        do_post_message(owner, edited, f"Je cite le message {i}", reply_to=message.seq)
    # The edit form, with the payload in its textarea (and in the message's data-source attribute).
    message = Message.objects.filter(channel=edited, edited_at__isnull=False).order_by("seq").first()
    for payload in PAYLOADS[:3]:
        posts.check(
            "edit form", web.get(reverse("workspaces:message_action", args=[edited.pk, message.seq, "modifier"]))
        )
        do_edit_message(member, message, payload)

    # Notes: title and body, created and saved again (so that history and diff hold payloads on both sides).
    notes = []
    for i, payload in enumerate(PAYLOADS):
        title = f"{payload[: TITLE_MAX_LENGTH - 4]} {i}"
        if i % 2:
            response = web.post(reverse("workspaces:note_create", args=[main.slug]), {"title": title, "body": payload})
            assert response.status_code == 302, response.status_code
            note = Note.objects.get(workspace=main, title=plain(title))
        else:
            note = do_create_note(main, member, title=title, body=payload)
        other = PAYLOADS[-1 - i]
        note = do_save_note(note, owner, title=title, body=f"{payload}\n\n{other}", base_version=note.version)
        notes.append(note)

    # Files and folders named with them: half through the upload form, half through the action.
    folder = None
    for i, payload in enumerate(PAYLOADS):
        name = f"{payload[:200]} {i}.txt"
        upload = SimpleUploadedFile(name, f"Contenu {i}".encode(), "text/plain")
        if i % 2:
            # As a browser sends the name in the multipart form (the HTML standard escapes these three).
            upload.name = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
            response = web.post(reverse("workspaces:file_upload", args=[main.slug]), {"file": upload, "folder": ""})
            posts.check(f"upload of {name!r}", response)
            assert response.status_code == 302, response.context["form"].errors
        else:
            do_upload_file(main, member, upload)
        folder = do_create_folder(main, member, name=f"{payload[:80]} {i}", parent=folder if i % 5 else None)
    assert File.objects.filter(workspace=main).count() > len(PAYLOADS) // 2

    index_workspace_content()
    return {
        "owner": fresh(owner),
        "member": fresh(member),
        "main": main,
        "workspaces": workspaces,
        "channels": channels,
        "general": general,
        "by_form": by_form,
        "edited": edited,
        "root": root,
        "notes": notes,
        "posts": posts,
    }


@pytest.mark.django_db
class TestPayloadsRenderInert:
    """One test per kind of page; each lists every URL where something could run."""

    @pytest.fixture
    def pages(self, content, client):
        return Pages(client_for(client, fresh(content["member"])))

    def assert_inert(self, pages):
        assert pages.fetched
        assert not pages.problems, json.dumps(pages.problems, ensure_ascii=False, indent=1)

    def test_the_answers_to_the_forms(self, content):
        """The edit form (payloads in its textarea and in the message's data-source attribute), and what the
        upload form answered."""
        self.assert_inert(content["posts"])

    def test_index_and_home(self, content, client):
        pages = Pages(client_for(client, content["owner"]))
        index = pages.get(reverse("workspaces:index"))
        text = shown_text(index.content.decode())
        for workspace in content["workspaces"]:
            assert plain(workspace.name) in text
        pages.get("/")
        self.assert_inert(pages)

    def test_overviews_and_settings_of_workspaces_named_with_payloads(self, content, client):
        pages = Pages(client_for(client, content["owner"]))
        for workspace in content["workspaces"]:
            overview = pages.get(reverse("workspaces:detail", args=[workspace.slug]))
            text = shown_text(overview.content.decode())
            assert plain(workspace.name) in text and plain(workspace.description) in text
            pages.get(reverse("workspaces:settings", args=[workspace.slug]))
        main = content["main"]
        for name in ("detail", "members", "invite", "files", "notes", "channel_create"):
            pages.get(reverse(f"workspaces:{name}", args=[main.slug]))
        self.assert_inert(pages)

    def test_channels_named_and_described_with_payloads(self, pages, content):
        main = content["main"]
        for channel in content["channels"]:
            response = pages.get(reverse("workspaces:channel", args=[main.slug, channel.slug]))
            text = shown_text(response.content.decode())
            assert plain(channel.name) in text and plain(channel.topic) in text
        self.assert_inert(pages)

    @pytest.mark.parametrize("which", ["general", "by_form", "edited"])
    def test_channel_pages_and_history(self, pages, content, which):
        channel, main = content[which], content["main"]
        shown = pages.all_pages(reverse("workspaces:channel", args=[main.slug, channel.slug]))
        seqs = {m.seq for response in shown for m in response.context["chat_messages"]}
        top = set(Message.objects.filter(channel=channel, thread_root__isnull=True).values_list("seq", flat=True))
        assert seqs == top
        history = reverse("workspaces:history", args=[channel.pk])
        data = pages.get(history, {"after": 0}).json()
        assert len(data["messages"]) == Message.objects.filter(channel=channel).count()
        pages.get(history)
        pages.get(history, {"before": 20})
        self.assert_inert(pages)

    def test_thread_page_of_payload_replies(self, pages, content):
        main, general, root = content["main"], content["general"], content["root"]
        response = pages.get(reverse("workspaces:thread", args=[main.slug, general.slug, root.seq]))
        assert len(response.context["replies"]) == len(PAYLOADS)
        pages.get(reverse("workspaces:history", args=[general.pk]), {"thread": root.seq})
        self.assert_inert(pages)

    def test_notes(self, pages, content):
        main = content["main"]
        listing = pages.get(reverse("workspaces:notes", args=[main.slug]))
        text = shown_text(listing.content.decode())
        for note in content["notes"]:
            assert plain(note.title) in text
            response = pages.get(reverse("workspaces:note", args=[main.slug, note.pk]))
            assert plain(note.title) in shown_text(response.content.decode())
            pages.get(reverse("workspaces:note_edit", args=[main.slug, note.pk]))
            pages.get(reverse("workspaces:note_history", args=[main.slug, note.pk]))
            pages.get(reverse("workspaces:note_diff", args=[main.slug, note.pk, 1]))
            pages.get(reverse("workspaces:note_diff", args=[main.slug, note.pk, 2]))
        self.assert_inert(pages)

    def test_a_conflicting_note_save_shows_both_texts_inert(self, pages, content):
        main, note = content["main"], content["notes"][0]
        url = reverse("workspaces:note_edit", args=[main.slug, note.pk])
        data = {"title": note.title, "body": PAYLOADS[-1], "base_version": note.version - 1}
        response = pages.client.post(url, data)
        assert response.status_code == 409
        pages.check("note conflict", response)
        self.assert_inert(pages)

    def test_files_and_folders(self, pages, content):
        main = content["main"]
        files = list(File.objects.filter(workspace=main))
        listing = pages.get(reverse("workspaces:files", args=[main.slug]))
        text = shown_text(listing.content.decode())
        for file in files:
            if file.folder_id is None:
                assert plain(file.name) in text
            response = pages.get(reverse("workspaces:file_detail", args=[main.slug, file.pk]))
            assert plain(file.name) in shown_text(response.content.decode())
        for folder in Folder.objects.filter(workspace=main):
            response = pages.get(reverse("workspaces:files", args=[main.slug]), {"dossier": folder.pk})
            assert plain(folder.name) in shown_text(response.content.decode())
        self.assert_inert(pages)

    @pytest.mark.parametrize("words", ["alert", "script", "javascript"])
    def test_search_results(self, pages, content, words):
        main = content["main"]
        found = pages.search_pages(reverse("workspaces:search", args=[main.slug]), {"q": words})
        assert found[0].context["result_count"] > 10
        site = pages.search_pages(reverse("search"), {"q": words})
        assert site[0].context["result_count"] > 10
        self.assert_inert(pages)

    def test_members_page_with_a_payload_name(self, pages, content):
        main, member = content["main"], content["member"]
        response = pages.get(reverse("workspaces:members", args=[main.slug]))
        assert plain(member.display_name) in shown_text(response.content.decode())
        self.assert_inert(pages)


# Through the WebSocket (committed data: the live frames go out after commit) -------------------------------------


async def socket_to(channel_id, user, *, after=None):
    headers = [
        (b"origin", ALLOWED_ORIGIN),
        (b"host", b"testserver"),
        (b"cookie", await database_sync_to_async(session_cookie)(user)),
    ]
    path = f"/ws/espaces/canal/{channel_id}/" + (f"?after={after}" if after is not None else "")
    from intranet.asgi import application

    socket = WebsocketCommunicator(application, path, headers=headers)
    accepted, _ = await socket.connect(timeout=TIMEOUT)
    assert accepted
    return socket


async def frames_until(socket, predicate, *, limit=1000) -> list[dict]:
    received = []
    for _ in range(limit):
        frame = await socket.receive_json_from(timeout=TIMEOUT)
        received.append(frame)
        if predicate(frame, received):
            return received
    raise AssertionError("too many frames")


def frame_problems(frames) -> dict:
    problems = {}
    for frame in frames:
        messages = frame.get("messages") or ([frame["message"]] if "message" in frame else [])
        for message in messages:
            found = findings(message["html"], page=False)
            if found:
                problems[f"{frame['type']} #{message['seq']}"] = found
    return problems


@pytest.mark.django_db(transaction=True)
async def test_payloads_sent_and_edited_over_the_websocket_arrive_inert(settings, workspace, ws_owner, ws_member):
    """The owner sends every payload over the WebSocket, then edits each message into the next payload; the
    member, connected to the same channel, receives the live `message` and `update` frames; a third connection
    catches up from 0. No frame's `html` holds anything that could run, and the pages show them inert too."""
    settings.WORKSPACES_CHAT_RATE = (10_000, 1)
    cache.clear()
    general = await database_sync_to_async(Channel.objects.get)(workspace=workspace, is_general=True)
    try:
        reader = await socket_to(general.pk, ws_member)
        writer = await socket_to(general.pk, ws_owner)
        for i, payload in enumerate(PAYLOADS):
            await writer.send_json_to({"type": "send", "body": payload, "client_key": f"xss-{i}"})
            ack = await frames_until(writer, lambda f, _r: f["type"] in ("ack", "error"))
            assert ack[-1]["type"] == "ack", ack[-1]
        live = await frames_until(
            reader, lambda _f, r: sum(f["type"] == "message" for f in r) == len(PAYLOADS), limit=5 * len(PAYLOADS)
        )
        stored = await database_sync_to_async(lambda: list(Message.objects.filter(channel=general).order_by("seq")))()
        assert len(stored) == len(PAYLOADS)
        for i, message in enumerate(stored):
            await writer.send_json_to({"type": "edit", "seq": message.seq, "body": f"{PAYLOADS[-1 - i]} (modifié)"})
        updates = await frames_until(
            reader, lambda _f, r: sum(f["type"] == "update" for f in r) == len(PAYLOADS), limit=5 * len(PAYLOADS)
        )
        late = await socket_to(general.pk, ws_member, after=0)
        caught_up = await frames_until(late, lambda f, _r: f["type"] == "messages" and f["complete"])
        for socket in (reader, writer, late):
            await socket.disconnect()
        assert sum(len(f["messages"]) for f in caught_up if f["type"] == "messages") == len(PAYLOADS)
        assert not frame_problems(live + updates + caught_up), frame_problems(live + updates + caught_up)

        def pages():
            web = client_for(Client(), User.objects.get(pk=ws_member.pk))
            checked = Pages(web)
            checked.get(reverse("workspaces:channel", args=[workspace.slug, general.slug]))
            checked.get(reverse("workspaces:history", args=[general.pk]), {"after": 0})
            return checked.problems

        assert await database_sync_to_async(pages)() == {}
    finally:
        await database_sync_to_async(connections.close_all)()


def test_the_payload_list_is_representative():
    assert 30 <= len(PAYLOADS) <= 60
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    # The checker does see what it must catch (a checker that finds nothing would make every test above pass).
    assert findings("<p>a</p><script>alert(1)</script>", page=False) == ["<script> (inline)"]
    assert findings('<img src=x onerror="alert(1)">', page=False) == ["<img onerror='alert(1)'>"]
    assert findings('<a href="jav&#x09;ascript:alert(1)">x</a>', page=False)
    assert findings('<a href=" JaVaScRiPt:alert(1)">x</a>', page=False)
    assert findings('<div style="x:expression(alert(1))">', page=False)
    assert findings('<script src="/static/intranet/js/site.js"></script>') == []
    assert findings("&lt;script&gt;alert(1)&lt;/script&gt;", page=False) == []
