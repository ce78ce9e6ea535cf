"""URLs of the workspaces: the workspaces themselves, their members, invitations and requests.

Reserved first segments (never a workspace slug, see `workspaces.actions.workspaces.RESERVED_SLUGS`): nouveau,
invitations, canal, direct, recherche, messages, fichier.
"""

from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from workspaces import views_workspaces as views
from workspaces.actions.workspaces import RESERVED_SLUGS


class WorkspaceSlugConverter(SlugConverter):
    """A workspace's slug, never a reserved segment: /espaces/messages/ stays the chat's page, not a workspace."""

    def to_python(self, value):
        if value in RESERVED_SLUGS:
            raise ValueError(value)  # no match: the next patterns are tried
        return value


register_converter(WorkspaceSlugConverter, "workspace")

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("nouveau/", views.CreateView.as_view(), name="create"),
    path("invitations/reponse/<int:invitation_id>/", views.InvitationRespondView.as_view(), name="invitation_respond"),
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("<workspace:slug>/", views.DetailView.as_view(), name="detail"),
    path("<workspace:slug>/reglages/", views.SettingsView.as_view(), name="settings"),
    path("<workspace:slug>/archiver/", views.ArchiveView.as_view(), name="archive"),
    path("<workspace:slug>/membres/", views.MembersView.as_view(), name="members"),
    path("<workspace:slug>/membres/inviter/", views.InviteView.as_view(), name="invite"),
    path("<workspace:slug>/membres/<int:member_id>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path("<workspace:slug>/membres/<int:member_id>/retirer/", views.MemberRemoveView.as_view(), name="member_remove"),
    path(
        "<workspace:slug>/invitations/<int:invitation_id>/retirer/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("<workspace:slug>/rejoindre/", views.JoinView.as_view(), name="join"),
    path("<workspace:slug>/demande/retirer/", views.WithdrawRequestView.as_view(), name="request_withdraw"),
    path("<workspace:slug>/demandes/", views.RequestsView.as_view(), name="requests"),
    path("<workspace:slug>/quitter/", views.LeaveView.as_view(), name="leave"),
]
