"""Stub: to be written."""
from django.views.generic import View

ProfileView = PersonalDataExportView = CloseAccountView = View
