"""The tus endpoints: /televersements/<purpose>/ creates, /televersements/<purpose>/<id>/ resumes or deletes."""

from django.urls import path

from uploads import views

app_name = "uploads"

urlpatterns = [
    path("<slug:purpose>/", views.CreationView.as_view(), name="create"),
    path("<slug:purpose>/<uuid:upload_id>/", views.UploadView.as_view(), name="upload"),
]
