"""URLs of moderation: reporting posts, the moderators' queue and the moderation verbs."""

from django.urls import path

from forums import views_moderation as views
from forums.models import PostReport

urlpatterns = [
    path("p/<int:post_id>/signaler/", views.ReportPostView.as_view(), name="report_post"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path(
        "moderation/signalements/<int:report_id>/resolu/",
        views.handle_report,
        {"status": PostReport.Status.RESOLVED},
        name="report_resolve",
    ),
    path(
        "moderation/signalements/<int:report_id>/rejete/",
        views.handle_report,
        {"status": PostReport.Status.DISMISSED},
        name="report_dismiss",
    ),
    path("moderation/p/<int:post_id>/masquer/", views.post_visibility, {"hidden": True}, name="post_hide"),
    path("moderation/p/<int:post_id>/afficher/", views.post_visibility, {"hidden": False}, name="post_unhide"),
    path("moderation/t/<int:topic_id>/masquer/", views.HideTopicView.as_view(), name="topic_hide"),
    path("moderation/t/<int:topic_id>/deplacer/", views.MoveTopicView.as_view(), name="topic_move"),
    path("moderation/t/<int:topic_id>/scinder/", views.SplitTopicView.as_view(), name="topic_split"),
    path("moderation/t/<int:topic_id>/fusionner/", views.MergeTopicView.as_view(), name="topic_merge"),
    *[
        path(f"moderation/t/<int:topic_id>/{verb}/", views.topic_verb, {"verb": verb}, name=f"topic_{verb}")
        for verb in views.TOPIC_VERBS
    ],
]
