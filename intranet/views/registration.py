"""Stub: to be written."""
from django.views.generic import View

CompanyRegistrationView = RegistrationDoneView = ConfirmEmailView = AcceptInvitationView = View
