"""Writes about workspaces themselves: creation and settings (archiving is in `workspaces.actions.members`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from intranet.access import is_member_of
from intranet.models import Organization
from workspaces import access
from workspaces.actions.activity import record_activity
from workspaces.models import Activity, Channel, Member, Workspace

# Paths under /espaces/ that name pages, never a workspace.
RESERVED_SLUGS = frozenset({"nouveau", "invitations", "canal", "direct", "recherche", "messages", "fichier"})
SLUG_MAX_LENGTH = Workspace._meta.get_field("slug").max_length
GENERAL_CHANNEL_NAME = "général"
GENERAL_CHANNEL_SLUG = "general"


def _clean_fields(actor, *, name, description, visibility, organization, join_policy, current=None) -> dict:
    """Check the editable fields; a ValidationError names the field at fault. Returns the cleaned values."""
    errors = {}
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        errors["name"] = _("Give the workspace a name.")
    elif len(name) > Workspace._meta.get_field("name").max_length:
        errors["name"] = _("The name is too long (120 characters at most).")
    if len(description) > Workspace._meta.get_field("description").max_length:
        errors["description"] = _("The description is too long (2,000 characters at most).")
    if visibility not in Workspace.Visibility.values:
        errors["visibility"] = _("Choose who may see the workspace.")
    if join_policy not in Workspace.JoinPolicy.values:
        errors["join_policy"] = _("Choose how people join.")
    if isinstance(organization, (int, str)) and organization not in ("", None):
        organization = Organization.objects.filter(pk=organization).first()
    if visibility == Workspace.Visibility.ORGANIZATION:
        unchanged = current is not None and organization is not None and organization.pk == current.organization_id
        if organization is None:
            errors["organization"] = _("Choose the body whose members may join.")
        elif not organization.is_member_body:
            errors["organization"] = _("Only a member body can be chosen.")
        elif not unchanged and not is_member_of(actor, organization):
            errors["organization"] = _("Choose one of your own bodies.")
    else:
        organization = None
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "description": description,
        "visibility": visibility,
        "organization": organization,
        "join_policy": join_policy,
    }


def unique_slug(name: str, slug: str | None = None) -> str:
    """`slug` if given and free (a ValidationError otherwise), or a free one made from the name."""
    if slug:
        slug = slugify(slug)[:SLUG_MAX_LENGTH]
        if not slug or slug in RESERVED_SLUGS or Workspace.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": _("This address is already taken or reserved: choose another one.")})
        return slug
    base = slugify(name)[: SLUG_MAX_LENGTH - 6].strip("-") or "espace"
    candidate, counter = base, 1
    while candidate in RESERVED_SLUGS or Workspace.objects.filter(slug=candidate).exists():
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


def do_create_workspace(
    user,
    *,
    name,
    description="",
    visibility=Workspace.Visibility.PRIVATE,
    organization=None,
    join_policy=Workspace.JoinPolicy.FREE,
    slug=None,
) -> Workspace:
    """A new workspace: its creator becomes its owner; the #général channel is created with it."""
    if not access.can_create_workspace(user):
        raise PermissionDenied
    fields = _clean_fields(
        user,
        name=name,
        description=description,
        visibility=visibility,
        organization=organization,
        join_policy=join_policy,
    )
    with transaction.atomic():
        workspace = Workspace.objects.create(slug=unique_slug(fields["name"], slug), created_by=user, **fields)
        Member.objects.create(workspace=workspace, user=user, role=Member.Role.OWNER)
        Channel.objects.create(
            workspace=workspace,
            kind=Channel.Kind.CHANNEL,
            name=GENERAL_CHANNEL_NAME,
            slug=GENERAL_CHANNEL_SLUG,
            is_general=True,
            created_by=user,
        )
        record_activity(workspace, user, Activity.Verb.CREATED, label=workspace.name)
    access.forget_workspace_memberships(user)
    return workspace


def do_update_workspace(
    workspace: Workspace, actor, *, name, description="", visibility, organization=None, join_policy
) -> Workspace:
    """The settings of an active workspace, by its owners and admins."""
    if not (access.can_write(actor, workspace) and access.is_workspace_admin(actor, workspace)):
        if workspace.is_archived and access.is_workspace_admin(actor, workspace):
            raise ValidationError(_("This workspace is archived: reopen it before changing its settings."))
        raise PermissionDenied
    fields = _clean_fields(
        actor,
        name=name,
        description=description,
        visibility=visibility,
        organization=organization,
        join_policy=join_policy,
        current=workspace,
    )
    with transaction.atomic():
        for key, value in fields.items():
            setattr(workspace, key, value)
        workspace.save(update_fields=list(fields))
    return workspace
