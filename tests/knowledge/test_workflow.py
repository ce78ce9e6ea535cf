"""Editors write guides in Wagtail admin; a guide goes live only when a moderator approves it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, Workflow, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from intranet.actions.accounts import do_add_member
from intranet.models import AuditEvent, Membership
from knowledge.models import Audience, GuidePage, TopicPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def wagtail_editor(make_user, body):
    """An editor as the platform makes them: the role gives Wagtail's Editors group."""
    person = make_user("redaction@rennes.fr")
    do_add_member(organization=body, user=person, role=Membership.Role.EDITOR)
    return person


def guide_form(title="Rédiger un DCE de nettoyage", **overrides):
    data = {
        "title": title,
        "slug": "rediger-un-dce-de-nettoyage",
        "summary": "Les pièces du dossier et les pièges à éviter.",
        "body": streamfield(
            [
                ("heading", {"text": "Les pièces du dossier", "level": "h2"}),
                ("text", rich_text("<p>Le règlement de la consultation, le CCAP, le CCTP.</p>")),
            ]
        ),
        "related_links": inline_formset([]),
        "comments": inline_formset([]),
        "audience": Audience.MEMBERS,
        "tags": "nettoyage, dce",
        "owner_user": "",
        "last_reviewed_on": "",
        "review_by": "2027-01-31",
        "seo_title": "",
        "search_description": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def create_and_submit(client, topic, **overrides) -> GuidePage:
    url = reverse("wagtailadmin_pages:add", args=["knowledge", "guidepage", topic.pk])
    response = client.post(url, {**guide_form(**overrides), "action-submit": "Submit for moderation"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    return GuidePage.objects.get(slug=overrides.get("slug", "rediger-un-dce-de-nettoyage"))


def approve(client, guide: GuidePage):
    task_state = guide.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[guide.pk, "approve", task_state.pk])
    return client.post(url, {"comment": "Relu, merci."})


def test_guides_under_the_knowledge_index_go_through_the_moderators_approval_workflow(topic):
    guide_parent = TopicPage.objects.get(pk=topic.pk)
    workflow = guide_parent.get_workflow()
    assert isinstance(workflow, Workflow) and workflow.active
    assert workflow.name == "Moderators approval"
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Moderators"]


def test_the_editor_role_gives_wagtails_editors_group_which_may_not_publish(wagtail_editor):
    assert wagtail_editor.groups.filter(name="Editors").exists()
    editors = Group.objects.get(name="Editors")
    assert not editors.page_permissions.filter(permission__codename="publish_page").exists()


def test_an_editor_creates_a_guide_as_a_draft_and_submits_it_for_moderation(login, wagtail_editor, topic):
    client = login(wagtail_editor)
    guide = create_and_submit(client, topic)

    assert not guide.live
    assert guide.title == "Rédiger un DCE de nettoyage"
    assert guide.get_parent().pk == topic.pk
    state = guide.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == wagtail_editor
    draft = guide.get_latest_revision_as_object()
    assert draft.audience == Audience.MEMBERS
    assert [block.block_type for block in draft.body] == ["heading", "text"]
    assert sorted(tag.name for tag in draft.tags.all()) == ["dce", "nettoyage"]
    # Not published, so readers do not see it.
    assert client.get(topic.url + guide.slug + "/").status_code == 404


def test_the_editor_cannot_approve_their_own_guide(login, wagtail_editor, topic):
    client = login(wagtail_editor)
    guide = create_and_submit(client, topic)

    response = approve(client, guide)

    assert response.status_code in (302, 403)
    guide.refresh_from_db()
    assert not guide.live
    assert guide.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_an_editor_pressing_publish_only_submits_a_draft(login, wagtail_editor, topic):
    client = login(wagtail_editor)
    url = reverse("wagtailadmin_pages:add", args=["knowledge", "guidepage", topic.pk])

    response = client.post(url, {**guide_form(), "action-publish": "Publish"})

    assert response.status_code in (302, 403)
    guide = GuidePage.objects.filter(slug="rediger-un-dce-de-nettoyage").first()
    assert guide is None or not guide.live


def test_a_superuser_approves_the_submitted_guide_and_it_goes_live(login, wagtail_editor, platform_admin, topic):
    guide = create_and_submit(login(wagtail_editor), topic)

    response = approve(login(platform_admin), guide)

    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.live
    assert guide.audience == Audience.MEMBERS
    assert guide.current_workflow_state is None
    assert guide.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    approval = TaskState.objects.get(workflow_state__object_id=str(guide.pk))
    assert approval.status == TaskState.STATUS_APPROVED and approval.finished_by == platform_admin


def test_a_moderators_group_member_approves_a_guide(login, wagtail_editor, make_user, topic):
    moderator = make_user("moderation@megalis.bzh", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    guide = create_and_submit(login(wagtail_editor), topic)

    approve(login(moderator), guide)

    guide.refresh_from_db()
    assert guide.live


def test_the_audit_log_names_the_approver_not_the_author(login, wagtail_editor, platform_admin, topic):
    guide = create_and_submit(login(wagtail_editor), topic)

    approve(login(platform_admin), guide)

    event = AuditEvent.objects.get(action=AuditEvent.Action.PAGE_PUBLISHED, details__page_id=guide.pk)
    assert event.actor == platform_admin
    assert event.details["title"] == "Rédiger un DCE de nettoyage"
    assert event.details["page_type"] == "knowledge.GuidePage"
    # Wagtail's own history agrees.
    assert PageLogEntry.objects.get(page=guide, action="wagtail.publish").user == platform_admin


def test_a_rejected_guide_stays_a_draft(login, wagtail_editor, platform_admin, topic):
    guide = create_and_submit(login(wagtail_editor), topic)
    task_state = guide.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[guide.pk, "reject", task_state.pk])

    login(platform_admin).post(url, {"comment": "Il manque les seuils."})

    guide.refresh_from_db()
    assert not guide.live
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PAGE_PUBLISHED, details__page_id=guide.pk).exists()


def test_a_buyer_without_the_editor_role_cannot_create_a_guide(login, buyer, topic):
    """Buyers reach the admin for their body's notices; the knowledge base is not theirs to write."""
    client = login(buyer)
    url = reverse("wagtailadmin_pages:add", args=["knowledge", "guidepage", topic.pk])

    assert client.get(url).status_code in (302, 403, 404)
    response = client.post(url, {**guide_form(), "action-submit": "Submit for moderation"})

    assert response.status_code in (302, 403, 404)
    assert not GuidePage.objects.filter(slug="rediger-un-dce-de-nettoyage").exists()
    assert not topic.permissions_for_user(buyer).can_add_subpage()


def test_a_visitor_is_sent_to_the_login_page(client, topic):
    url = reverse("wagtailadmin_pages:add", args=["knowledge", "guidepage", topic.pk])
    response = client.post(url, {**guide_form(), "action-submit": "Submit for moderation"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not GuidePage.objects.exists()


def test_an_editor_creates_a_topic_under_the_knowledge_index_and_submits_it(login, wagtail_editor, knowledge_index):
    url = reverse("wagtailadmin_pages:add", args=["knowledge", "topicpage", knowledge_index.pk])
    data = nested_form_data(
        {
            "title": "Achats durables",
            "slug": "achats-durables",
            "description": "Clauses environnementales et sociales.",
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
        }
    )

    response = login(wagtail_editor).post(url, {**data, "action-submit": "Submit for moderation"})

    assert response.status_code == 302
    topic = TopicPage.objects.get(slug="achats-durables")
    assert topic.get_parent().pk == knowledge_index.pk
    assert not topic.live
    assert topic.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
