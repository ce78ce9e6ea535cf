"""URLs of the workspaces: files."""

from django.urls import path

from workspaces import views_files

urlpatterns = [
    path("<slug:slug>/fichiers/", views_files.files, name="files"),
    path("<slug:slug>/fichiers/envoyer/", views_files.file_upload, name="file_upload"),
    path("<slug:slug>/fichiers/dossiers/nouveau/", views_files.folder_create, name="folder_create"),
    path("<slug:slug>/fichiers/<int:file_id>/", views_files.file_detail, name="file_detail"),
    path("<slug:slug>/fichiers/<int:file_id>/supprimer/", views_files.file_delete, name="file_delete"),
    path("fichier/<int:file_id>/telecharger/", views_files.file_download, name="file_download"),
]
