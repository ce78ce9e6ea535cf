"""URLs for writing in the forums: new topics, replies, edits, deletions, history, attachments, mentions."""

from django.urls import path

from forums import views_posting

urlpatterns = [
    path("c/<slug:slug>/nouveau/", views_posting.NewTopicView.as_view(), name="new_topic"),
    path("t/<int:topic_id>/repondre/", views_posting.ReplyView.as_view(), name="reply"),
    path("p/<int:post_id>/modifier/", views_posting.EditPostView.as_view(), name="edit_post"),
    path("p/<int:post_id>/supprimer/", views_posting.DeletePostView.as_view(), name="delete_post"),
    path("p/<int:post_id>/historique/", views_posting.post_history, name="post_history"),
    path("fichiers/<int:attachment_id>/", views_posting.download_attachment, name="attachment"),
    path("mentions/", views_posting.mention_search, name="mentions"),
]
