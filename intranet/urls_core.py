"""URLs of the core: accounts, organizations' members, notifications, search."""

from django.urls import path

from intranet.views import auth, members, notifications, profile, registration, search

urlpatterns = [
    # login, logout, passwords
    path("compte/connexion/", auth.LoginView.as_view(), name="login"),
    path("compte/deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("compte/mot-de-passe/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("compte/mot-de-passe/modifie/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("compte/mot-de-passe/oublie/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("compte/mot-de-passe/oublie/envoye/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "compte/mot-de-passe/nouveau/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "compte/mot-de-passe/nouveau/termine/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # company self-registration, invitations
    path("compte/inscription/", registration.CompanyRegistrationView.as_view(), name="register"),
    path("compte/inscription/envoyee/", registration.RegistrationDoneView.as_view(), name="register_done"),
    path("compte/confirmer/<str:token>/", registration.ConfirmEmailView.as_view(), name="confirm_email"),
    path("compte/invitation/<str:token>/", registration.AcceptInvitationView.as_view(), name="accept_invitation"),
    # profile and personal data
    path("compte/profil/", profile.ProfileView.as_view(), name="profile"),
    path("compte/donnees/", profile.PersonalDataExportView.as_view(), name="personal_data_export"),
    path("compte/fermer/", profile.CloseAccountView.as_view(), name="close_account"),
    # organization admins
    path("organisations/<int:organization_id>/membres/", members.MembersView.as_view(), name="organization_members"),
    path("membres/<int:membership_id>/role/", members.ChangeRoleView.as_view(), name="membership_role"),
    path("membres/<int:membership_id>/retirer/", members.RemoveMemberView.as_view(), name="membership_remove"),
    path("membres/<int:membership_id>/accepter/", members.ApproveMemberView.as_view(), name="membership_approve"),
    path("membres/<int:membership_id>/refuser/", members.RejectMemberView.as_view(), name="membership_reject"),
    path("invitations/<int:invitation_id>/annuler/", members.RevokeInvitationView.as_view(), name="invitation_revoke"),
    # notifications
    path("notifications/", notifications.NotificationListView.as_view(), name="notifications"),
    path("notifications/lues/", notifications.MarkReadView.as_view(), name="notifications_mark_read"),
    # search
    path("recherche/", search.SearchView.as_view(), name="search"),
    path("recherche/suggestions/", search.suggestions, name="search_suggestions"),
]
