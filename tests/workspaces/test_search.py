"""Search in workspaces: a workspace's messages, notes and file names are found by its members only — on the
workspace's own search page and in the site search — never by anyone else, not even in the count; a
restricted channel's messages only by its readers; direct messages never."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from haystack.query import SearchQuerySet

from intranet.models import User
from intranet.views.search import reader_query
from workspaces.actions.chat import (
    do_create_channel,
    do_delete_message,
    do_edit_message,
    do_open_direct,
    do_post_message,
)
from workspaces.actions.files import do_upload_file
from workspaces.actions.members import do_archive, do_remove_member
from workspaces.actions.notes import do_create_note, do_save_note
from workspaces.models import Channel, File, Member, Message, Note
from workspaces.search_hooks import drop_unreadable_workspace_hits
from workspaces.search_indexes import index_new_messages
from workspaces.views_search import excerpt

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_search_index")]


def search_candidates(words: str, request=None) -> list:
    """The index's hits with their objects loaded: narrowed for `request`'s reader at the engine, or, without a
    request (the worker, a shell), everything the index holds."""
    sqs = reader_query(request, words) if request is not None else SearchQuerySet().auto_query(words)
    return list(sqs.load_all()[:1000])


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run `write` and let the queued index updates run, as the worker would after the commit."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def general(workspace) -> Channel:
    return Channel.objects.get(workspace=workspace, is_general=True)


def post(indexed, user, channel, body, **kwargs) -> Message:
    message, created = indexed(do_post_message, user, channel, body, **kwargs)
    assert created
    return message


@pytest.fixture
def content(indexed, workspace, other_workspace, ws_owner, ws_admin, ws_member, ws_guest, other_ws_member):
    """In the private workspace: a message in #général, one in a restricted channel (owner and admin), a note, a
    file in a folder. Beside it: the other workspace's message and a direct conversation, same words."""
    direction = indexed(do_create_channel, workspace, ws_owner, name="Direction", restricted=True, members=(ws_admin,))
    return {
        "message": post(indexed, ws_member, general(workspace), "Le CCAP prévoit des pénalités de retard plafonnées."),
        "restricted": post(indexed, ws_admin, direction, "Pondération confidentielle des pénalités : prix 60 %."),
        "note": indexed(
            do_create_note,
            workspace,
            ws_guest,
            title="Allotissement de la restauration",
            body="Trois lots : denrées, transport et **pénalités** communes.",
        ),
        "file": indexed(
            do_upload_file, workspace, ws_owner, SimpleUploadedFile("CCAP_pénalités-2026.pdf", PDF, "application/pdf")
        ),
        "other": post(indexed, other_ws_member, general(other_workspace), "Nos pénalités de retard, autre espace."),
        "direct": post(indexed, ws_owner, indexed(do_open_direct, ws_owner, ws_member), "Pénalités entre nous deux."),
        "direction": direction,
    }


def message_link(message) -> str:
    return reverse("workspaces:message_link", args=[message.channel_id, message.seq])


def workspace_search(client, workspace, words: str, **params):
    response = client.get(reverse("workspaces:search", args=[workspace.slug]), {"q": words, **params})
    assert response.status_code == 200
    return response


def found(response) -> list:
    """The objects listed on a workspace search page, in order."""
    return [hit["object"] for hit in response.context["hits"]]


def site_search(client, words: str):
    response = client.get(reverse("search"), {"q": words})
    assert response.status_code == 200
    return [result.object for result in response.context["results"]], response.context["result_count"], response


def indexed_objects(words: str) -> set:
    return {(result.model, int(result.pk)) for result in SearchQuerySet().models(Message, Note, File).auto_query(words)}


# --- the workspace's own search page -------------------------------------------------------------------------


def test_a_member_finds_messages_notes_and_files_with_links_and_excerpts(login, workspace, ws_member, content):
    response = workspace_search(login(ws_member), workspace, "pénalités")
    assert set(found(response)) == {content["message"], content["note"], content["file"]}
    assert response.context["result_count"] == 3
    html = response.content.decode()
    link = message_link(content["message"])
    assert f'href="{link}"' in html
    # The link opens the channel page at the message.
    channel_url = reverse("workspaces:channel", args=[workspace.slug, "general"])
    assert login(ws_member).get(link)["Location"] == f"{channel_url}#m-{content['message'].seq}"
    assert f'href="{reverse("workspaces:note", args=[workspace.slug, content["note"].pk])}"' in html
    assert f'href="{reverse("workspaces:file_detail", args=[workspace.slug, content["file"].pk])}"' in html
    assert "<mark>pénalités</mark> de retard plafonnées" in html
    assert "Nos pénalités" not in html and "confidentielle" not in html and "entre nous" not in html


def test_the_guest_finds_the_workspace_content_but_not_the_restricted_channel(login, workspace, ws_guest, content):
    response = workspace_search(login(ws_guest), workspace, "pénalités")
    assert set(found(response)) == {content["message"], content["note"], content["file"]}


def test_readers_of_the_restricted_channel_find_its_messages(login, workspace, ws_owner, ws_admin, content):
    for person in (ws_owner, ws_admin):
        response = workspace_search(login(person), workspace, "pondération")
        assert found(response) == [content["restricted"]]
        assert message_link(content["restricted"]) in response.content.decode()


def test_the_search_page_answers_404_to_everyone_outside_the_workspace(
    client, login, workspace, other_ws_member, other_body_buyer, company_user, content
):
    url = reverse("workspaces:search", args=[workspace.slug])
    response = client.get(url, {"q": "pénalités"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))  # a visitor logs in
    for person in (other_ws_member, other_body_buyer, company_user):
        assert login(person).get(url, {"q": "pénalités"}).status_code == 404


def test_the_other_workspace_search_shows_only_its_own_content(login, other_workspace, other_ws_member, content):
    response = workspace_search(login(other_ws_member), other_workspace, "pénalités")
    assert found(response) == [content["other"]]


def test_the_search_can_be_narrowed_to_notes_or_files(login, workspace, ws_member, content):
    client = login(ws_member)
    assert found(workspace_search(client, workspace, "pénalités", type="notes")) == [content["note"]]
    assert found(workspace_search(client, workspace, "pénalités", type="fichiers")) == [content["file"]]
    assert found(workspace_search(client, workspace, "pénalités", type="messages")) == [content["message"]]


def test_a_file_is_found_by_the_words_of_its_name(login, workspace, ws_member, content):
    assert found(workspace_search(login(ws_member), workspace, "2026")) == [content["file"]]


def test_an_archived_workspace_is_still_searchable_by_its_members(
    login, indexed, workspace, ws_owner, ws_member, other_body_buyer, content
):
    indexed(do_archive, workspace, ws_owner, True)
    client = login(ws_member)
    assert set(found(workspace_search(client, workspace, "pénalités"))) == {
        content["message"],
        content["note"],
        content["file"],
    }
    assert content["message"] in site_search(client, "plafonnées")[0]
    assert login(other_body_buyer).get(reverse("workspaces:search", args=[workspace.slug])).status_code == 404


def test_an_empty_query_shows_the_form_only(login, workspace, ws_member, content):
    response = workspace_search(login(ws_member), workspace, "")
    assert "hits" not in response.context
    assert 'id="workspace-search-q"' in response.content.decode()


# --- the site search -----------------------------------------------------------------------------------------


def test_members_find_their_workspace_in_the_site_search_with_links(login, workspace, ws_member, ws_guest, content):
    for person in (ws_member, ws_guest):
        objects, count, response = site_search(login(person), "pénalités")
        assert set(objects) == {content["message"], content["note"], content["file"]}
        assert count == 3
        html = response.content.decode()
        assert f'href="{message_link(content["message"])}"' in html
        assert "plafonnées" in html  # the message's start as the hit's description


def test_nobody_outside_the_workspace_finds_anything_of_it_in_the_site_search(
    client, login, workspace, other_ws_member, other_body_buyer, company_user, content
):
    objects, count, _response = site_search(login(other_ws_member), "pénalités")
    assert (objects, count) == ([content["other"]], 1)
    for web in (client, login(other_body_buyer), login(company_user)):
        objects, count, response = site_search(web, "pénalités")
        assert (objects, count) == ([], 0)
        assert "plafonnées" not in response.content.decode()
    # They are in the index all the same: the hook filters them out.
    assert (Message, content["message"].pk) in indexed_objects("pénalités")


def test_a_restricted_channel_is_found_in_the_site_search_by_its_readers_only(
    login, ws_owner, ws_member, ws_guest, content
):
    assert site_search(login(ws_owner), "pondération")[:2] == ([content["restricted"]], 1)
    for person in (ws_member, ws_guest):
        assert site_search(login(person), "pondération")[:2] == ([], 0)


def test_direct_messages_are_never_indexed(login, ws_owner, ws_member, content):
    assert (Message, content["direct"].pk) not in indexed_objects("pénalités")
    for person in (ws_owner, ws_member):
        assert site_search(login(person), "nous deux")[:2] == ([], 0)


def test_a_removed_member_finds_nothing_at_once(login, indexed, workspace, ws_owner, ws_member, content):
    indexed(do_remove_member, workspace, ws_owner, Member.objects.get(workspace=workspace, user=ws_member))
    assert site_search(login(ws_member), "pénalités")[:2] == ([], 0)
    assert login(ws_member).get(reverse("workspaces:search", args=[workspace.slug])).status_code == 404


def test_a_readers_keys_are_kept_until_the_content_changes_and_a_removal_counts_at_once(
    login, indexed, workspace, ws_owner, ws_member, content
):
    """The reader's access keys are kept between requests (the apps' hooks are not asked again) only while the
    content's generation stays: removing the member makes a new one, and the very next search counts nothing
    of the workspace, in the count and the facets, although the index still holds the documents as they were."""
    from wagtail import hooks

    asked = []

    def counting(request):
        asked.append(request.user)
        return []

    web = login(ws_member)
    with hooks.register_temporarily("search_access_keys", counting):
        objects, count, _response = site_search(web, "pénalités")
        assert count == len(objects) > 0 and len(asked) == 1
        assert site_search(web, "pénalités")[1] == count and len(asked) == 1  # kept
        indexed(do_remove_member, workspace, ws_owner, Member.objects.get(workspace=workspace, user=ws_member))
        assert (Message, content["message"].pk) in indexed_objects("pénalités")  # the index is as it was
        objects, count, response = site_search(web, "pénalités")
        assert (objects, count, response.context["type_facet"]) == ([], 0, [])
        assert len(asked) == 2  # asked again


def test_hits_are_rechecked_before_the_index_catches_up(login, workspace, ws_member, ws_owner, content):
    # Written without signals: the index still holds them as they were.
    Message.objects.filter(pk=content["message"].pk).update(deleted_at=content["message"].created_at)
    Channel.objects.filter(pk=general(workspace).pk).update(restricted=True)
    Note.objects.filter(pk=content["note"].pk).update(deleted_at=content["note"].created_at)
    assert (Message, content["message"].pk) in indexed_objects("plafonnées")
    objects, count, _response = site_search(login(ws_owner), "pénalités")
    assert (set(objects), count) == ({content["restricted"], content["file"]}, 2)
    assert set(found(workspace_search(login(ws_member), workspace, "pénalités"))) == {content["file"]}


# --- keeping the index up to date ----------------------------------------------------------------------------


def test_an_edited_message_is_found_by_its_new_words_and_a_deleted_one_leaves_the_index(
    indexed, login, workspace, ws_member, content
):
    message = Message.objects.select_related("channel__workspace").get(pk=content["message"].pk)
    indexed(do_edit_message, ws_member, message, "Le CCAP prévoit un plafond de pénalités à 10 %.")
    assert (Message, message.pk) not in indexed_objects("plafonnées")
    assert (Message, message.pk) in indexed_objects("plafond")

    indexed(do_delete_message, ws_member, Message.objects.select_related("channel__workspace").get(pk=message.pk))
    assert (Message, message.pk) not in indexed_objects("pénalités")
    assert content["message"] not in found(workspace_search(login(ws_member), workspace, "pénalités"))


def test_a_saved_note_is_found_by_its_new_words(indexed, workspace, ws_member, content):
    note = Note.objects.select_related("workspace").get(pk=content["note"].pk)
    indexed(do_save_note, note, ws_member, title=note.title, body="Quatre lots dont un réservé.", base_version=1)
    assert indexed_objects("réservé") == {(Note, note.pk)}
    assert (Note, note.pk) not in indexed_objects("denrées")


def test_the_index_holds_workspace_and_channel_as_exact_integers(workspace, other_workspace, content):
    in_workspace = SearchQuerySet().models(Message, Note, File).filter(workspace_id=workspace.pk)
    assert {(r.model, int(r.pk)) for r in in_workspace} == {
        (Message, content["message"].pk),
        (Message, content["restricted"].pk),
        (Note, content["note"].pk),
        (File, content["file"].pk),
    }
    in_channel = SearchQuerySet().models(Message).filter(channel_id=content["direction"].pk)
    assert [int(r.pk) for r in in_channel] == [content["restricted"].pk]


def test_rebuild_index_indexes_what_may_be_found(indexed, workspace, ws_member, content):
    Message.objects.filter(pk=content["message"].pk).update(deleted_at=content["message"].created_at)
    call_command("rebuild_index", interactive=False, verbosity=0)
    assert indexed_objects("pénalités") == {
        (Message, content["restricted"].pk),
        (Message, content["other"].pk),
        (Note, content["note"].pk),
        (File, content["file"].pk),
    }


# --- the hook and the excerpts -------------------------------------------------------------------------------


def test_the_hook_runs_a_fixed_number_of_queries(rf, indexed, workspace, ws_owner, content):
    def queries(count):
        for n in range(count):
            post(indexed, ws_owner, general(workspace), f"Sourcing fournisseurs numéro {n}.")
            post(indexed, ws_owner, content["direction"], f"Sourcing restreint numéro {n}.")
        results = search_candidates("sourcing")
        request = rf.get("/")
        request.user = User.objects.get(pk=ws_owner.pk)  # no cached memberships
        with CaptureQueriesContext(connection) as captured:
            kept = drop_unreadable_workspace_hits(request, results)
        return len(captured), len(kept), len(results)

    few = queries(2)
    many = queries(10)
    assert many[1] == many[2] == 24  # the owner reads both channels
    assert few[0] == many[0] <= 2
    request = rf.get("/")
    request.user = AnonymousUser()
    assert drop_unreadable_workspace_hits(request, search_candidates("sourcing")) == []


def test_excerpts_are_escaped_and_mark_the_searched_words():
    text = "Début " + "mot " * 40 + "<script>alert(1)</script> les Pénalités de retard " + "fin " * 40
    html = excerpt(text, "penalites")
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>Pénalités</mark>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert excerpt("Les clauses sociales", "clause") == "Les <mark>clauses</mark> sociales"


def test_a_message_with_markup_is_shown_inert(indexed, login, workspace, ws_member):
    post(indexed, ws_member, general(workspace), 'Sourcing <img src=x onerror="alert(1)"> et **gras**')
    html = workspace_search(login(ws_member), workspace, "sourcing").content.decode()
    assert "<img" not in html
    assert "<mark>Sourcing</mark>" in html


def test_other_workspaces_documents_never_become_candidates_of_the_site_search(
    rf, workspace, ws_member, other_ws_member, content
):
    """Narrowed at the engine (not only filtered afterwards): candidates hold the reader's workspaces only, and
    still everything else (here the forums have nothing; a visitor gets no workspace document at all)."""
    request = rf.get("/recherche/")
    request.user = ws_member
    candidates = {(hit.model, int(hit.pk)) for hit in search_candidates("pénalités", request)}
    assert (Message, content["message"].pk) in candidates and (Note, content["note"].pk) in candidates
    assert (Message, content["other"].pk) not in candidates
    request.user = other_ws_member
    candidates = {(hit.model, int(hit.pk)) for hit in search_candidates("pénalités", request)}
    assert candidates == {(Message, content["other"].pk)}
    request.user = AnonymousUser()
    assert search_candidates("pénalités", request) == []
    # Without a request (the worker, a shell), nothing is narrowed.
    assert len(search_candidates("pénalités")) >= 5


# --- new messages are indexed in batches ---------------------------------------------------------------------


def _index_runs(callbacks) -> int:
    return sum(1 for callback in callbacks if getattr(callback, "func", None) == index_new_messages.enqueue)


def test_a_burst_of_messages_is_indexed_by_one_run(workspace, ws_member, django_capture_on_commit_callbacks):
    channel = general(workspace)
    # The worker has not run yet: only the first message of the burst asks for a run.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for word in ("allotissement", "sourcing", "reconduction"):
            do_post_message(ws_member, channel, f"Point {word} pour la commission.")
    assert _index_runs(callbacks) == 1
    assert indexed_objects("allotissement") == set()

    assert index_new_messages.call(channel.pk) == 3
    stored = set(Message.objects.filter(channel=channel).values_list("pk", flat=True))
    assert {pk for _model, pk in indexed_objects("commission")} == stored
    channel.refresh_from_db()
    assert channel.indexed_seq == channel.last_seq == 3
    # Nothing new: a second run indexes nothing.
    assert index_new_messages.call(channel.pk) == 0


def test_once_indexed_the_next_message_asks_for_a_run_again(indexed, workspace, ws_member):
    channel = general(workspace)
    first = post(indexed, ws_member, channel, "Premier message sur la DPGF.")
    second = post(indexed, ws_member, channel, "Second message sur la DPGF.")
    assert {pk for _model, pk in indexed_objects("DPGF")} == {first.pk, second.pk}
    channel.refresh_from_db()
    assert channel.indexed_seq == 2


def test_a_failed_run_is_retried_every_fifty_messages(workspace, ws_member, django_capture_on_commit_callbacks):
    channel = general(workspace)
    # As if a run had failed after message 1: ids 2..49 are stored, none indexed, no run pending.
    Channel.objects.filter(pk=channel.pk).update(last_seq=49, indexed_seq=0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_post_message(ws_member, channel, "Le cinquantième message relance l'indexation.")
    assert _index_runs(callbacks) == 1


def test_direct_messages_ask_for_no_index_run(workspace, ws_member, ws_owner, django_capture_on_commit_callbacks):
    conversation = do_open_direct(ws_member, ws_owner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_post_message(ws_member, conversation, "Entre nous : la pondération.")
    assert _index_runs(callbacks) == 0
    assert index_new_messages.call(conversation.pk) == 0
    assert indexed_objects("pondération") == set()


def test_a_restricted_channels_messages_are_found_at_the_engine_only_by_those_added_to_it(
    rf, content, ws_member, ws_admin
):
    """The engine's condition itself (not only the re-check on read): the site search's count for a member who
    was not added to #direction holds no message of it; for one who was, it does."""
    from intranet.views.search import reader_query

    def found(user) -> set:
        request = rf.get("/recherche/")
        request.user = User.objects.get(pk=user.pk)
        return {(hit.model, int(hit.pk)) for hit in reader_query(request, "pénalités")}

    restricted = (Message, content["restricted"].pk)
    assert restricted not in found(ws_member)
    assert restricted in found(ws_admin)
    assert (Message, content["message"].pk) in found(ws_member)
    assert (Message, content["direct"].pk) not in found(ws_admin)  # direct conversations are never indexed
