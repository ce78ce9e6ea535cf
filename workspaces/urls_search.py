"""URLs of the workspaces: search within a workspace."""

from django.urls import path

from workspaces import views_search

urlpatterns = [
    path("<slug:slug>/recherche/", views_search.search, name="search"),
]
