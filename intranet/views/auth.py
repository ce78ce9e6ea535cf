"""Stub: to be written."""
from django.views.generic import View

LoginView = LogoutView = PasswordChangeView = PasswordChangeDoneView = PasswordResetView = View
PasswordResetDoneView = PasswordResetConfirmView = PasswordResetCompleteView = View
