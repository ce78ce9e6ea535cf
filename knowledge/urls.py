"""URLs of readers' actions on guides (the guides themselves are Wagtail pages)."""

from django.urls import path

from knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("guides/<int:guide_id>/avis/", views.FeedbackView.as_view(), name="feedback"),
    path("guides/<int:guide_id>/signaler/", views.OutdatedReportView.as_view(), name="report_outdated"),
    path("guides/<int:guide_id>/commenter/", views.CommentCreateView.as_view(), name="comment_add"),
    path("commentaires/<int:comment_id>/modifier/", views.CommentEditView.as_view(), name="comment_edit"),
    path("commentaires/<int:comment_id>/retirer/", views.CommentRemoveView.as_view(), name="comment_remove"),
    path("formation/etapes/<int:step_id>/", views.StepProgressView.as_view(), name="step_progress"),
]
