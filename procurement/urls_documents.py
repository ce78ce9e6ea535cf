"""URLs of the consultation documents (DCE): the buyers' page, downloads, the download log."""

from django.urls import path

from procurement import views_documents as views

urlpatterns = [
    path("<int:notice_id>/documents/gerer/", views.documents_manage, name="documents_manage"),
    path("<int:notice_id>/documents/<int:document_id>/remplacer/", views.document_replace, name="document_replace"),
    path("<int:notice_id>/documents/<int:document_id>/retirer/", views.document_remove, name="document_remove"),
    path("<int:notice_id>/documents/<int:document_id>/telecharger/", views.document_download, name="document_download"),
    path("<int:notice_id>/dce.zip", views.dce_zip, name="dce_zip"),
    path("<int:notice_id>/telechargements/", views.download_log, name="download_log"),
    path("<int:notice_id>/telechargements.csv", views.download_log_csv, name="download_log_csv"),
]
