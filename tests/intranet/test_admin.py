"""Wagtail admin for platform admins: users, organizations, memberships, invitations, audit log."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from intranet.models import AuditEvent, Invitation, Membership, Organization, User
from tests.conftest import make_siret

Role = Membership.Role
Action = AuditEvent.Action


@pytest.fixture
def admin_client(login, platform_admin):
    return login(platform_admin)


@pytest.fixture
def staff_editor(editor):
    """An editor with Wagtail admin access through Wagtail's Editors group, but not a superuser."""
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


ADMIN_LISTS = [
    "wagtailusers_users:index",
    "organizations:index",
    "memberships:index",
    "invitations:index",
    "audit_log:index",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ADMIN_LISTS)
def test_platform_admin_loads_each_admin_list(admin_client, body, buyer, url_name):
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.django_db
def test_platform_admin_edits_a_user_with_email_login(admin_client, buyer):
    url = reverse("wagtailusers_users:edit", args=[buyer.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "job_title" in response.content.decode()
    response = admin_client.post(
        url,
        {
            "email": "Nouvelle.Adresse@Rennes.fr",
            "first_name": "Camille",
            "last_name": "Durand",
            "job_title": "Acheteuse publique",
            "is_active": "on",
            "password1": "",
            "password2": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    buyer.refresh_from_db()
    assert buyer.email == "nouvelle.adresse@rennes.fr"
    assert buyer.last_name == "Durand"
    assert buyer.job_title == "Acheteuse publique"


@pytest.mark.django_db
def test_platform_admin_creates_a_user_whose_address_is_vouched_for(admin_client):
    response = admin_client.get(reverse("wagtailusers_users:add"))
    assert response.status_code == 200
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "Nouveau@Exemple.fr",
            "first_name": "Dominique",
            "last_name": "Le Gall",
            "job_title": "Juriste",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email="nouveau@exemple.fr")
    assert user.job_title == "Juriste"
    assert user.email_confirmed_at is not None
    assert user.check_password("Un-mot-de-passe-solide-42")


@pytest.mark.django_db
def test_organization_list_searches_name_and_siret_and_filters_kind(admin_client, body, other_body, company):
    url = reverse("organizations:index")
    by_name = admin_client.get(url, {"q": "Rennes"})
    assert list(by_name.context["object_list"]) == [body]
    by_siret = admin_client.get(url, {"q": other_body.siret})
    assert list(by_siret.context["object_list"]) == [other_body]
    by_kind = admin_client.get(url, {"kind": Organization.Kind.COMPANY})
    assert list(by_kind.context["object_list"]) == [company]
    by_department = admin_client.get(url, {"department": "29"})
    assert list(by_department.context["object_list"]) == [other_body]


@pytest.mark.django_db
def test_creating_an_organization_in_admin_is_audited(admin_client, platform_admin):
    siret = make_siret()
    response = admin_client.post(
        reverse("organizations:add"),
        {"name": "Commune de Vitré", "kind": Organization.Kind.COMMUNE, "siret": siret, "department": "35"},
    )
    assert response.status_code == 302
    organization = Organization.objects.get(siret=siret)
    event = AuditEvent.objects.get(action=Action.ORGANIZATION_CREATED)
    assert event.organization == organization
    assert event.actor == platform_admin


@pytest.mark.django_db
def test_organization_siret_may_be_typed_with_spaces_but_not_twice(admin_client):
    url = reverse("organizations:add")
    data = {"name": "La Poste", "kind": Organization.Kind.STATE_SERVICE, "siret": "356 000 000 00048"}
    assert admin_client.post(url, data).status_code == 302
    assert Organization.objects.get().siret == "35600000000048"
    response = admin_client.post(url, {**data, "name": "Doublon"})
    assert response.status_code == 200
    assert "siret" in response.context["form"].errors
    assert Organization.objects.count() == 1


@pytest.mark.django_db
def test_creating_an_organization_with_a_bad_siret_shows_the_error(admin_client):
    response = admin_client.post(
        reverse("organizations:add"),
        {"name": "Commune de Vitré", "kind": Organization.Kind.COMMUNE, "siret": "12345678901234"},
    )
    assert response.status_code == 200
    assert "siret" in response.context["form"].errors
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_editing_an_organization_in_admin_goes_through_the_action(admin_client, body, monkeypatch):
    from intranet.views import admin as admin_views

    calls = []
    real = admin_views.do_update_organization

    def spy(organization, **kwargs):
        calls.append(kwargs)
        return real(organization, **kwargs)

    monkeypatch.setattr(admin_views, "do_update_organization", spy)
    siret = make_siret()
    spaced = " ".join([siret[:3], siret[3:6], siret[6:9], siret[9:]])
    response = admin_client.post(
        reverse("organizations:edit", args=[body.pk]),
        {"name": "  Ville de Rennes (mairie) ", "kind": Organization.Kind.COMMUNE, "siret": spaced, "department": "35"},
    )
    assert response.status_code == 302
    assert len(calls) == 1
    body.refresh_from_db()
    assert body.name == "Ville de Rennes (mairie)"
    assert body.siret == siret
    assert body.department == "35"


@pytest.mark.django_db
def test_editing_an_organization_to_a_taken_siret_shows_the_error(admin_client, body, other_body):
    response = admin_client.post(
        reverse("organizations:edit", args=[body.pk]),
        {"name": body.name, "kind": body.kind, "siret": other_body.siret},
    )
    assert response.status_code == 200
    assert "siret" in response.context["form"].errors
    body.refresh_from_db()
    assert body.siret != other_body.siret


@pytest.mark.django_db
def test_organizations_are_not_deleted_in_admin(admin_client, body, buyer):
    url = reverse("organizations:delete", args=[body.pk])
    assert admin_client.get(url).status_code in (302, 403)
    assert admin_client.post(url).status_code in (302, 403)
    assert Organization.objects.filter(pk=body.pk).exists()
    assert buyer.memberships.filter(organization=body).exists()


@pytest.mark.django_db
def test_platform_admin_invites_the_first_administrator(
    admin_client, platform_admin, body, django_capture_on_commit_callbacks
):
    url = reverse("organizations:invite", args=[body.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["form"]["role"].initial == Role.ORG_ADMIN
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"email": "DGS@Rennes.fr", "role": Role.ORG_ADMIN})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.email, invitation.role) == (body, "dgs@rennes.fr", Role.ORG_ADMIN)
    assert invitation.invited_by == platform_admin
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dgs@rennes.fr"]
    assert AuditEvent.objects.filter(action=Action.INVITATION_SENT, organization=body).count() == 1


@pytest.mark.django_db
def test_invitation_role_must_fit_the_kind_of_organization(admin_client, company):
    response = admin_client.post(
        reverse("organizations:invite", args=[company.pk]), {"email": "x@example.fr", "role": Role.ORG_ADMIN}
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_inviting_an_existing_member_shows_the_error(admin_client, body, buyer):
    response = admin_client.post(
        reverse("organizations:invite", args=[body.pk]), {"email": buyer.email, "role": Role.ORG_ADMIN}
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_membership_list_filters_by_organization_role_and_status(admin_client, body, other_body, buyer, other_admin):
    url = reverse("memberships:index")
    by_org = admin_client.get(url, {"organization": other_body.pk})
    assert [m.user for m in by_org.context["object_list"]] == [other_admin]
    by_role = admin_client.get(url, {"role": Role.BUYER})
    assert [m.user for m in by_role.context["object_list"]] == [buyer]
    by_status = admin_client.get(url, {"status": Membership.Status.PENDING})
    assert list(by_status.context["object_list"]) == []


@pytest.mark.django_db
def test_role_change_in_admin_goes_through_the_action(admin_client, platform_admin, buyer, org_admin):
    membership = buyer.memberships.get()
    url = reverse("memberships:edit", args=[membership.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"role": Role.EDITOR})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.EDITOR
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGED)
    assert event.actor == platform_admin
    assert event.subject_user == buyer
    assert event.details == {"old_role": Role.BUYER, "new_role": Role.EDITOR}
    assert buyer.groups.filter(name="Editors").exists()
    assert buyer.notifications.filter(verb="membership.role_changed").count() == 1


@pytest.mark.django_db
def test_role_change_in_admin_keeps_the_last_administrator(admin_client, org_admin):
    membership = org_admin.memberships.get()
    response = admin_client.post(reverse("memberships:edit", args=[membership.pk]), {"role": Role.BUYER})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    membership.refresh_from_db()
    assert membership.role == Role.ORG_ADMIN
    assert not AuditEvent.objects.filter(action=Action.ROLE_CHANGED).exists()


@pytest.mark.django_db
def test_role_form_offers_only_roles_of_the_organization_kind(admin_client, company_member):
    membership = company_member.memberships.get()
    response = admin_client.post(reverse("memberships:edit", args=[membership.pk]), {"role": Role.ORG_ADMIN})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


@pytest.mark.django_db
def test_memberships_are_not_added_in_admin(admin_client):
    response = admin_client.get(reverse("memberships:add"))
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_removing_a_membership_in_admin_is_audited(admin_client, buyer, org_admin):
    membership = buyer.memberships.get()
    response = admin_client.post(reverse("memberships:delete", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action=Action.MEMBERSHIP_REMOVED)
    assert event.subject_user == buyer


@pytest.mark.django_db
def test_audit_log_is_read_only(admin_client, buyer):
    event = AuditEvent.objects.create(action=Action.LOGIN, actor=buyer, actor_label=buyer.email)
    assert admin_client.get(reverse("audit_log:inspect", args=[event.pk])).status_code == 200
    for url in (
        reverse("audit_log:add"),
        reverse("audit_log:edit", args=[event.pk]),
        reverse("audit_log:delete", args=[event.pk]),
    ):
        assert admin_client.get(url).status_code in (302, 403), url
    assert admin_client.post(reverse("audit_log:delete", args=[event.pk])).status_code in (302, 403)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_audit_log_filters_on_action_and_date(admin_client, buyer):
    changed = AuditEvent.objects.create(action=Action.PASSWORD_CHANGED, actor=buyer, actor_label=buyer.email)
    failed = AuditEvent.objects.create(action=Action.LOGIN_FAILED, actor_label="x@example.fr")
    AuditEvent.objects.filter(pk=failed.pk).update(created_at="2025-01-15T10:00:00+01:00")
    url = reverse("audit_log:index")
    by_action = admin_client.get(url, {"action": Action.PASSWORD_CHANGED})
    assert list(by_action.context["object_list"]) == [changed]
    by_date = admin_client.get(url, {"created_at_from": "2025-01-01", "created_at_to": "2025-01-31"})
    assert list(by_date.context["object_list"]) == [failed]


ADMIN_ONLY = [
    ("organizations:index", False),
    ("organizations:add", False),
    ("organizations:edit", True),
    ("organizations:invite", True),
    ("memberships:index", False),
    ("invitations:index", False),
    ("audit_log:index", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "with_pk"), ADMIN_ONLY)
def test_staff_editor_is_refused_platform_admin_views(login, staff_editor, body, url_name, with_pk):
    client = login(staff_editor)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # does have admin access
    url = reverse(url_name, args=[body.pk] if with_pk else [])
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url != url


@pytest.mark.django_db
def test_staff_editor_cannot_read_an_audit_event(login, staff_editor):
    event = AuditEvent.objects.create(action=Action.LOGIN, actor=staff_editor, actor_label=staff_editor.email)
    response = login(staff_editor).get(reverse("audit_log:inspect", args=[event.pk]))
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_staff_editor_cannot_edit_an_organization(login, staff_editor, body):
    response = login(staff_editor).post(
        reverse("organizations:edit", args=[body.pk]),
        {"name": "Renamed", "kind": body.kind, "siret": body.siret},
    )
    assert response.status_code in (302, 403)
    body.refresh_from_db()
    assert body.name == "Ville de Rennes"


@pytest.mark.django_db
def test_staff_editor_cannot_invite(login, staff_editor, body):
    response = login(staff_editor).post(
        reverse("organizations:invite", args=[body.pk]), {"email": "x@example.fr", "role": Role.ORG_ADMIN}
    )
    assert response.status_code in (302, 403)
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_platform_menu_is_hidden_from_editors(login, staff_editor):
    content = login(staff_editor).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("audit_log:index") not in content
    assert reverse("organizations:index") not in content


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(reverse("audit_log:index"))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.django_db
def test_organization_edit_page_offers_the_invitation(admin_client, body):
    response = admin_client.get(reverse("organizations:edit", args=[body.pk]))
    assert response.status_code == 200
    assert reverse("organizations:invite", args=[body.pk]) in response.content.decode()


@pytest.mark.django_db
def test_invitation_inspect_view_hides_the_token_hash(admin_client, platform_admin, body):
    from intranet.actions.accounts import do_invite

    invitation = do_invite(organization=body, email="dgs@rennes.fr", role=Role.ORG_ADMIN, actor=platform_admin)
    response = admin_client.get(reverse("invitations:inspect", args=[invitation.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "dgs@rennes.fr" in content
    assert invitation.token_hash not in content
    assert admin_client.get(reverse("invitations:edit", args=[invitation.pk])).status_code in (302, 403)
