"""The workspaces' permission matrix: every page, download, JSON endpoint, WebSocket channel, write and search
query × every role, each cell its own test.

Cells are named "<check>-<role>" (for example "note_diff-company_user" or "ws_restricted-member"), and a failing
cell says what was expected and what happened ("member on ws_restricted: expected 4403, got accepted"), so a
failure says at once who saw what they should not (or could not see what they should).

Roles (tests/workspaces/fixtures_f.py): owner, admin, member and guest of a private workspace; a member of another
workspace (a buyer of the owner's own body); a buyer of a third body; a company user; a platform admin (a
superuser who is in no workspace: refused like any outsider, the workspaces are private to their members); a
visitor. Beside the private workspace: an "organization" workspace of the owner's body (free joining) and an "open"
one (joining on request), which the roles do not belong to: those who may join see a preview, never the content.

Outcomes compared (`observe_*`): "200 shown" (the page, with the secret text it is about), "404" (existence does
not leak, and the secret text is absent), "403" (a member lacking an admin right), "login" (a visitor is sent to
the login page), "302 done" (a write that happened), "accepted"/"4403"/"4401"/"refused" (WebSocket), "found"/
"absent" (search hits and listings). A status the view gives for a refusal with the secret text in its body is
reported as a leak.

The data is built once for the module (see fixtures_f.module_db); every cell runs in its own savepoint.
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.workspaces.fixtures_f import (
    ADMINS,
    FOREIGN_ORIGIN,
    MEMBERS,
    ROLES,
    add_member,
    build_people,
    client_for,
    fresh,
    index_workspace_content,
    make_person,
    module_db,  # noqa: F401 - module-scoped fixtures
    module_index,  # noqa: F401
    websocket_outcome,
)
from workspaces.actions.chat import direct_key, do_create_channel, do_open_direct, do_post_message
from workspaces.actions.files import do_upload_file
from workspaces.actions.notes import do_create_note, do_save_note
from workspaces.actions.workspaces import do_create_workspace
from workspaces.models import Channel, File, Invitation, JoinRequest, Member, Message, Note

pytestmark = pytest.mark.django_db

# The secret texts each page is about (a refusal must not show them).
PRIVATE_NAME = "Réseau des acheteurs hospitaliers"
GENERAL_TEXT = "Calendrier confidentiel du marché de blanchisserie"
THREAD_TEXT = "Le lot trois est prêt pour la consultation"
RESTRICTED_NAME = "Comité de direction"
RESTRICTED_TEXT = "Pondération secrète : prix soixante pour cent"
DIRECT_TEXT = "Avis personnel sur le titulaire sortant"
NOTE_TITLE = "Stratégie blanchisserie 2026"
NOTE_V1 = "Clause de révision des prix."
NOTE_V2 = "Clause de révision des prix indexée sur l’indice."
FILE_NAME = "cahier-des-charges-blanchisserie.txt"
FILE_V1 = b"Cahier des charges, version une."
FILE_V2 = b"Cahier des charges, version deux."
GUEST_NAME = "Gaëlle Tanguy"
ORG_NAME = "Achats mutualisés de la Ville de Rennes"
ORG_TEXT = "Secret du groupement municipal : lingerie"
OPEN_NAME = "Communauté ouverte des acheteurs bretons"
OPEN_TEXT = "Secret de la communauté : maraîchage"


@pytest.fixture(scope="module")
def world(module_db, module_index):  # noqa: F811 - the fixtures imported above
    orgs, people = build_people()
    owner, admin, member, guest = (people[r] for r in ("owner", "admin", "member", "guest"))
    private = do_create_workspace(owner, name=PRIVATE_NAME, description="Échanges entre acheteurs.")
    add_member(private, admin, Member.Role.ADMIN)
    add_member(private, member, Member.Role.MEMBER)
    add_member(private, guest, Member.Role.GUEST)
    do_create_workspace(people["other_ws_member"], name="Achat groupé de repas scolaires")
    owner, admin, member, guest = (fresh(p) for p in (owner, admin, member, guest))

    general = Channel.objects.get(workspace=private, is_general=True)
    root, _ = do_post_message(member, general, GENERAL_TEXT)
    reply, _ = do_post_message(admin, general, THREAD_TEXT, thread_root=root.seq)
    restricted = do_create_channel(private, owner, name=RESTRICTED_NAME, restricted=True, members=[admin.pk])
    restricted_message, _ = do_post_message(admin, restricted, RESTRICTED_TEXT)
    direct = do_open_direct(owner, member)
    direct_message, _ = do_post_message(owner, direct, DIRECT_TEXT)
    note = do_create_note(private, member, title=NOTE_TITLE, body=NOTE_V1)
    note = do_save_note(note, admin, title=NOTE_TITLE, body=NOTE_V2, base_version=note.version)
    file = do_upload_file(private, member, SimpleUploadedFile(FILE_NAME, FILE_V1, "text/plain"))
    do_upload_file(private, owner, SimpleUploadedFile(FILE_NAME, FILE_V2, "text/plain"))
    file.refresh_from_db()
    assert file.versions.count() == 2

    host = make_person("hote@rennes.fr", orgs["body"], first_name="Hervé", last_name="Le Floch")
    by_org = do_create_workspace(
        host, name=ORG_NAME, description="Pour les agents de la ville.", visibility="organization",
        organization=orgs["body"], join_policy="free",
    )  # fmt: skip
    host = fresh(host)
    org_general = Channel.objects.get(workspace=by_org, is_general=True)
    org_message, _ = do_post_message(host, org_general, ORG_TEXT)
    opened = do_create_workspace(
        host, name=OPEN_NAME, description="Pour tous les acheteurs.", visibility="open", join_policy="request"
    )
    host = fresh(host)
    do_post_message(host, Channel.objects.get(workspace=opened, is_general=True), OPEN_TEXT)

    index_workspace_content()
    return {
        "people": people,
        "private": private,
        "general": general,
        "root": root,
        "reply": reply,
        "restricted": restricted,
        "restricted_message": restricted_message,
        "direct": direct,
        "direct_message": direct_message,
        "org_message": org_message,
        "note": note,
        "file": file,
        "org": by_org,
        "org_general": org_general,
        "open": opened,
        "guest_member": Member.objects.get(workspace=private, user=guest),
    }


# Who gets what --------------------------------------------------------------------------------------------------


@dataclass
class Spec:
    """Who is served (`readers`), what a member who is not a reader gets (403: lacks an admin right; 404: may not
    even know it exists), what a visitor gets ("login" or "404"), and how the cell is observed."""

    readers: set
    kind: str = "page"  # page | listing | redirect | websocket | write
    member_refusal: str = "404"
    visitor: str = "login"


MAY_JOIN_ORG = {"owner", "member", "other_ws_member"}  # people of the owner's body (Ville de Rennes)
BUYERS = {"owner", "admin", "member", "other_ws_member", "other_body_buyer"}  # people of member bodies

SPECS = {
    # Pages of the private workspace.
    "index_private": Spec(MEMBERS, "listing"),
    "index_directory_org": Spec(MAY_JOIN_ORG, "listing"),
    "index_directory_open": Spec(BUYERS, "listing"),
    "overview": Spec(MEMBERS),
    "overview_restricted_channel": Spec(ADMINS, "listing"),
    "sidebar_restricted_channel": Spec(ADMINS, "listing"),  # the channel list beside #général
    "preview_org": Spec(MAY_JOIN_ORG),
    "preview_open": Spec(BUYERS),
    "settings": Spec(ADMINS, member_refusal="403"),
    "members": Spec(MEMBERS),
    "invite": Spec(ADMINS, member_refusal="403"),
    "requests": Spec(ADMINS, member_refusal="403"),
    "channel": Spec(MEMBERS),
    "channel_restricted": Spec(ADMINS),
    "thread": Spec(MEMBERS),
    "direct": Spec({"owner", "member"}),
    "direct_list": Spec({"owner", "member"}, "listing"),
    "channel_create": Spec(ADMINS, member_refusal="403"),
    "channel_members": Spec(ADMINS),  # who reads the restricted channel
    "message_link": Spec(MEMBERS, "redirect"),
    "message_edit": Spec({"member"}, member_refusal="403"),  # its author only
    "message_delete": Spec({"member"} | ADMINS, member_refusal="403"),  # its author and the admins
    "home": Spec(MEMBERS, "listing"),
    "files": Spec(MEMBERS),
    "file_delete": Spec({"member"} | ADMINS, member_refusal="403"),  # who added it, the admins
    "file_detail": Spec(MEMBERS),
    "download": Spec(MEMBERS),
    "download_v1": Spec(MEMBERS),
    "notes": Spec(MEMBERS),
    "note": Spec(MEMBERS),
    "note_edit": Spec(MEMBERS),
    "note_delete": Spec({"member"} | ADMINS, member_refusal="403"),  # its author, the admins
    "note_history": Spec(MEMBERS),
    "note_diff": Spec(MEMBERS),
    "workspace_search": Spec(MEMBERS),
    "workspace_search_restricted": Spec(ADMINS, member_refusal="200 without content"),
    "history": Spec(MEMBERS, visitor="404"),
    "history_thread": Spec(MEMBERS, visitor="404"),
    "history_restricted": Spec(ADMINS, visitor="404"),
    "history_direct": Spec({"owner", "member"}, visitor="404"),
    "history_org": Spec(set(), visitor="404"),  # may join is not may read
    # The WebSocket.
    "ws_general": Spec(MEMBERS, "websocket"),
    "ws_restricted": Spec(ADMINS, "websocket"),
    "ws_direct": Spec({"owner", "member"}, "websocket"),
    "ws_org_general": Spec(set(), "websocket"),  # may join, not a member: no live content either
    # Writes.
    "post_general": Spec(MEMBERS, "write"),
    "post_restricted": Spec(ADMINS, "write"),
    "post_direct": Spec({"owner", "member"}, "write"),
    "upload": Spec(MEMBERS, "write"),
    "note_save": Spec(MEMBERS, "write"),
    "invite_post": Spec(ADMINS, "write", member_refusal="403"),
    "remove_post": Spec(ADMINS, "write", member_refusal="403"),
    "direct_open": Spec({"owner", "admin", "member"}, "write"),  # with the guest: who shares a workspace
    # Its members are already in: "Join" sends them back to it (302, nothing done); nobody else may.
    "join_private": Spec(set(), "write", member_refusal="302"),
    "join_org": Spec(MAY_JOIN_ORG, "write"),
    "join_open": Spec(BUYERS, "write"),
    # The site search (/recherche/): hits present or absent.
    "site_search": Spec(MEMBERS, "listing"),
    "site_search_restricted": Spec(ADMINS, "listing"),
    "site_search_direct": Spec(set(), "listing"),  # direct conversations are never search hits
    "site_search_org": Spec(set(), "listing"),  # may join is not may read
}


def expected(check: str, role: str) -> str:
    spec = SPECS[check]
    if spec.kind == "listing":
        if role == "visitor" and check.startswith(("index", "overview", "sidebar", "direct_list")):
            return "login"
        return "found" if role in spec.readers else "absent"
    if spec.kind == "websocket":
        if role == "visitor":
            return "4401"
        return "accepted" if role in spec.readers else "4403"
    ok = {"write": "302 done", "redirect": "302 to it"}.get(spec.kind, "200 shown")
    if role in spec.readers:
        return ok
    if role == "visitor":
        return spec.visitor
    if role in MEMBERS:
        return spec.member_refusal
    return "404"


CELLS = [pytest.param(check, role, id=f"{check}-{role}") for check in SPECS for role in ROLES]


# Observing ------------------------------------------------------------------------------------------------------


def _login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def observe_page(response, secret) -> str:
    """ "200 shown" / "200 without content" / "login" / "403" / "404", or a LEAK when a refusal shows the secret."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content if isinstance(secret, bytes) else response.content.decode()
    shown = secret in body
    if _login_redirect(response):
        return "login"
    if response.status_code == 200:
        return "200 shown" if shown else "200 without content"
    if shown:
        return f"{response.status_code} LEAK: the refusal shows {secret!r}"
    return str(response.status_code)


def observe_listing(response, secret) -> str:
    if _login_redirect(response):
        return "login"
    assert response.status_code == 200, response.status_code
    return "found" if secret in response.content.decode() else "absent"


def observe_write(response, done: bool) -> str:
    if _login_redirect(response):
        return "login" + (" BUT DONE" if done else "")
    if response.status_code == 302 and done:
        return "302 done"
    return f"{response.status_code}" + (" BUT DONE" if done else "")


def observe_websocket(channel_id, user, secret="", **kwargs) -> str:
    """Connect asking for every message (`?after=0`): a reader gets them, then the presence frame; anyone else is
    closed with 4401/4403 before any frame."""
    outcome = websocket_outcome(channel_id, user, after=0, **kwargs)
    if not outcome["accepted"]:
        return "refused"
    received = outcome["received"]
    if outcome["close_code"] is not None:
        if received:
            return f"{outcome['close_code']} LEAK: frames before the close: {[f['type'] for f in received]}"
        return str(outcome["close_code"])
    assert [frame["type"] for frame in received[:2]] == ["messages", "presence"], received
    assert secret in " ".join(message["html"] for message in received[0]["messages"])
    return "accepted"


# The cells ------------------------------------------------------------------------------------------------------


def url(name, *args) -> str:
    return reverse(f"workspaces:{name}", args=args)


def run_check(check, web, w, user) -> str:  # noqa: C901, PLR0911, PLR0912 - one branch per check, on purpose
    private, general, restricted, direct = w["private"], w["general"], w["restricted"], w["direct"]
    note, file, slug = w["note"], w["file"], w["private"].slug
    page = observe_page

    # Listings and pages of the private workspace.
    if check == "index_private":
        return observe_listing(web.get(url("index")), PRIVATE_NAME)
    if check == "index_directory_org":
        return observe_listing(web.get(url("index")), ORG_NAME)
    if check == "index_directory_open":
        return observe_listing(web.get(url("index")), OPEN_NAME)
    if check == "overview":
        return page(web.get(url("detail", slug)), FILE_NAME)
    if check == "overview_restricted_channel":
        response = web.get(url("detail", slug))
        if response.status_code == 404:
            return "absent"
        return observe_listing(response, RESTRICTED_NAME)
    if check == "sidebar_restricted_channel":
        response = web.get(url("channel", slug, general.slug))
        if response.status_code == 404:
            return "absent"
        return observe_listing(response, RESTRICTED_NAME)
    if check == "preview_org":
        response = web.get(url("detail", w["org"].slug))
        assert ORG_TEXT not in response.content.decode()
        return page(response, ORG_NAME)
    if check == "preview_open":
        response = web.get(url("detail", w["open"].slug))
        assert OPEN_TEXT not in response.content.decode()
        return page(response, OPEN_NAME)
    if check == "settings":
        return page(web.get(url("settings", slug)), "Échanges entre acheteurs.")
    if check == "members":
        return page(web.get(url("members", slug)), GUEST_NAME)
    if check == "invite":
        return page(web.get(url("invite", slug)), 'name="email"')
    if check == "requests":
        return page(web.get(url("requests", slug)), PRIVATE_NAME)
    if check == "channel":
        return page(web.get(url("channel", slug, general.slug)), GENERAL_TEXT)
    if check == "channel_restricted":
        return page(web.get(url("channel", slug, restricted.slug)), RESTRICTED_TEXT)
    if check == "thread":
        return page(web.get(url("thread", slug, general.slug, w["root"].seq)), THREAD_TEXT)
    if check == "direct":
        return page(web.get(url("direct", direct.pk)), DIRECT_TEXT)
    if check == "direct_list":
        return observe_listing(web.get(url("direct_list")), url("direct", direct.pk))
    if check == "channel_create":
        return page(web.get(url("channel_create", slug)), 'name="topic"')
    if check == "channel_members":
        return page(web.get(url("channel_members", slug, restricted.slug)), "Alain Kerbrat")
    if check == "message_link":
        response = web.get(url("message_link", general.pk, w["root"].seq))
        if response.status_code == 302 and response.url.endswith(f"#m-{w['root'].seq}"):
            assert response.url.startswith(url("channel", slug, general.slug))
            return "302 to it"
        return page(response, GENERAL_TEXT)
    if check == "message_edit":
        return page(web.get(url("message_action", general.pk, w["root"].seq, "modifier")), GENERAL_TEXT)
    if check == "message_delete":
        return page(web.get(url("message_action", general.pk, w["root"].seq, "supprimer")), GENERAL_TEXT)
    if check == "home":
        response = web.get("/")
        assert response.status_code == 200
        return "found" if PRIVATE_NAME in response.content.decode() else "absent"
    if check == "files":
        return page(web.get(url("files", slug)), FILE_NAME)
    if check == "file_delete":
        return page(web.get(url("file_delete", slug, file.pk)), FILE_NAME)
    if check == "note_delete":
        return page(web.get(url("note_delete", slug, note.pk)), NOTE_TITLE)
    if check == "file_detail":
        return page(web.get(url("file_detail", slug, file.pk)), FILE_NAME)
    if check == "download":
        response = web.get(url("file_download", file.pk))
        if response.status_code == 200:
            assert response["Content-Disposition"].startswith("attachment")
        return page(response, FILE_V2)
    if check == "download_v1":
        return page(web.get(url("file_download", file.pk), {"version": 1}), FILE_V1)
    if check == "notes":
        return page(web.get(url("notes", slug)), NOTE_TITLE)
    if check == "note":
        return page(web.get(url("note", slug, note.pk)), "indexée sur")
    if check == "note_edit":
        return page(web.get(url("note_edit", slug, note.pk)), "Clause de révision des prix indexée")
    if check == "note_history":
        return page(web.get(url("note_history", slug, note.pk)), NOTE_TITLE)
    if check == "note_diff":
        return page(web.get(url("note_diff", slug, note.pk, 2)), "indexée")
    if check == "workspace_search":
        return page(web.get(url("search", slug), {"q": "blanchisserie"}), url("note", slug, note.pk))
    if check == "workspace_search_restricted":
        hit = url("message_link", restricted.pk, 1)
        return page(web.get(url("search", slug), {"q": "pondération"}), hit)
    if check == "history":
        return page(web.get(url("history", general.pk)), "blanchisserie")
    if check == "history_thread":
        return page(web.get(url("history", general.pk), {"thread": w["root"].seq}), "lot trois")
    if check == "history_restricted":
        return page(web.get(url("history", restricted.pk)), "Pondération")
    if check == "history_direct":
        return page(web.get(url("history", direct.pk)), "titulaire sortant")
    if check == "history_org":
        return page(web.get(url("history", w["org_general"].pk)), "lingerie")

    # The WebSocket.
    if check == "ws_general":
        return observe_websocket(general.pk, user, "blanchisserie")
    if check == "ws_restricted":
        return observe_websocket(restricted.pk, user, "Pondération")
    if check == "ws_direct":
        return observe_websocket(direct.pk, user, "titulaire sortant")
    if check == "ws_org_general":
        return observe_websocket(w["org_general"].pk, user, "lingerie")

    # Writes: the response, and whether the write happened.
    if check in ("post_general", "post_restricted", "post_direct"):
        channel = {"post_general": general, "post_restricted": restricted, "post_direct": direct}[check]
        text = f"Message de la cellule {check}"
        response = web.post(url("channel_post", channel.pk), {"body": text, "client_key": "cle-matrice"})
        return observe_write(response, Message.objects.filter(channel=channel, body=text).exists())
    if check == "upload":
        upload = SimpleUploadedFile("compte-rendu.txt", b"Compte rendu de reunion.", "text/plain")
        response = web.post(url("file_upload", slug), {"file": upload, "folder": ""})
        return observe_write(response, File.objects.filter(workspace=private, name="compte-rendu.txt").exists())
    if check == "note_save":
        data = {"title": NOTE_TITLE, "body": "Texte remplacé par la cellule.", "base_version": note.version}
        response = web.post(url("note_edit", slug, note.pk), data)
        return observe_write(response, Note.objects.filter(pk=note.pk, body="Texte remplacé par la cellule.").exists())
    if check == "invite_post":
        data = {"email": "invitee@exemple.fr", "role": "member", "person": ""}
        response = web.post(url("invite", slug), data)
        return observe_write(
            response, Invitation.objects.filter(workspace=private, email="invitee@exemple.fr").exists()
        )
    if check == "remove_post":
        target = w["guest_member"]
        response = web.post(url("member_remove", slug, target.pk))
        return observe_write(response, not Member.objects.filter(pk=target.pk).exists())
    if check == "direct_open":
        guest = w["people"]["guest"]
        response = web.post(url("direct_open", guest.pk))
        key = direct_key(user, guest) if user is not None else ""
        return observe_write(response, Channel.objects.filter(direct_key=key).exists())
    if check.startswith("join_"):
        workspace = {"join_private": private, "join_org": w["org"], "join_open": w["open"]}[check]
        already = user is not None and Member.objects.filter(workspace=workspace, user=user).exists()
        response = web.post(url("join", workspace.slug), {"message": "Je souhaite participer."})
        joined = user is not None and (
            (not already and Member.objects.filter(workspace=workspace, user=user).exists())
            or JoinRequest.objects.filter(workspace=workspace, user=user, status=JoinRequest.Status.PENDING).exists()
        )
        return observe_write(response, joined)

    # The site search.
    if check.startswith("site_search"):
        words, secret, targets = {
            "site_search": ("blanchisserie", "confidentiel du marché", {w["root"], note, file}),
            "site_search_restricted": ("pondération", "soixante", {w["restricted_message"]}),
            "site_search_direct": ("titulaire sortant", "Avis personnel", {w["direct_message"]}),
            "site_search_org": ("lingerie", "groupement municipal", {w["org_message"]}),
        }[check]
        response = web.get(reverse("search"), {"q": words})
        assert response.status_code == 200
        hits = {result.object for result in response.context.get("results") or []}
        shown = secret in response.content.decode()
        if hits & targets:
            assert hits >= targets and shown, (hits, targets)
            return "found"
        return "absent" + (" BUT THE TEXT IS SHOWN" if shown else "")
    raise AssertionError(check)  # pragma: no cover


@pytest.mark.parametrize("check,role", CELLS)
def test_permission_matrix(client, world, check, role):
    user = fresh(world["people"][role])
    observed = run_check(check, client_for(client, user), world, user)
    assert observed == expected(check, role), f"{role} on {check}: expected {expected(check, role)}, got {observed}"


# Beside the matrix -----------------------------------------------------------------------------------------------


def test_a_foreign_origin_is_refused_even_to_the_owner(world):
    """The handshake is refused before the consumer runs (AllowedHostsOriginValidator), whoever the person."""
    owner = fresh(world["people"]["owner"])
    assert observe_websocket(world["general"].pk, owner, "blanchisserie") == "accepted"
    assert observe_websocket(world["general"].pk, owner, origin=FOREIGN_ORIGIN) == "refused"


def test_the_matrix_covers_every_role_and_the_specs_are_not_trivial():
    """Each check serves someone and refuses someone (except the ones that must serve nobody)."""
    assert len(CELLS) == len(SPECS) * len(ROLES)
    nobody = {"ws_org_general", "history_org", "join_private", "site_search_direct", "site_search_org"}
    for check, spec in SPECS.items():
        assert bool(spec.readers) == (check not in nobody), check
        assert set(ROLES) - spec.readers, check
