"""URLs of the workspaces: notes."""

from django.urls import path

from workspaces import views_notes

urlpatterns = [
    path("<slug:slug>/notes/", views_notes.notes, name="notes"),
    path("<slug:slug>/notes/nouvelle/", views_notes.note_create, name="note_create"),
    path("<slug:slug>/notes/<int:note_id>/", views_notes.note, name="note"),
    path("<slug:slug>/notes/<int:note_id>/modifier/", views_notes.note_edit, name="note_edit"),
    path("<slug:slug>/notes/<int:note_id>/supprimer/", views_notes.note_delete, name="note_delete"),
    path("<slug:slug>/notes/<int:note_id>/historique/", views_notes.note_history, name="note_history"),
    path("<slug:slug>/notes/<int:note_id>/historique/<int:version>/", views_notes.note_diff, name="note_diff"),
]
