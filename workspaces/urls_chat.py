"""URLs of the workspaces: chat (channels, threads, direct conversations, message forms, history).

The paths that start with a fixed segment (canal/, direct/, messages/) must come before the workspaces'
`<slug>/` patterns in workspaces/urls.py ("messages" and "direct" are reserved slugs).
"""

from django.urls import path

from workspaces import views_chat as views

urlpatterns = [
    path("messages/", views.DirectListView.as_view(), name="direct_list"),
    path("direct/ouvrir/<int:user_id>/", views.DirectOpenView.as_view(), name="direct_open"),
    path("direct/<int:channel_id>/", views.DirectView.as_view(), name="direct"),
    path("direct/<int:channel_id>/fil/<int:seq>/", views.DirectThreadView.as_view(), name="direct_thread"),
    path("canal/<int:channel_id>/publier/", views.PostView.as_view(), name="channel_post"),
    path("canal/<int:channel_id>/historique/", views.HistoryView.as_view(), name="history"),
    path("canal/<int:channel_id>/message/<int:seq>/", views.MessageLinkView.as_view(), name="message_link"),
    path(
        "canal/<int:channel_id>/message/<int:seq>/<slug:action>/",
        views.MessageActionView.as_view(),
        name="message_action",
    ),
    path("<slug:slug>/canaux/nouveau/", views.ChannelCreateView.as_view(), name="channel_create"),
    path("<slug:slug>/canal/<slug:channel_slug>/", views.ChannelView.as_view(), name="channel"),
    path("<slug:slug>/canal/<slug:channel_slug>/membres/", views.ChannelMembersView.as_view(), name="channel_members"),
    path("<slug:slug>/canal/<slug:channel_slug>/fil/<int:seq>/", views.ThreadView.as_view(), name="thread"),
]
