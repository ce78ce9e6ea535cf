"""Stub: to be written."""
from django.views.generic import View

SearchView = View
