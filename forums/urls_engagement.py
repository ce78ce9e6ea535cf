"""URLs of reactions, solutions and subscriptions, and the one-click unsubscribe link of the e-mails."""

from django.urls import path

from forums import views_engagement as views

urlpatterns = [
    path("p/<int:post_id>/reaction/<slug:kind>/", views.ReactionToggleView.as_view(), name="reaction_toggle"),
    path("p/<int:post_id>/reactions/", views.ReactionListView.as_view(), name="reaction_list"),
    path("p/<int:post_id>/solution/", views.SolutionMarkView.as_view(), name="solution_mark"),
    path("t/<int:topic_id>/solution/retirer/", views.SolutionUnmarkView.as_view(), name="solution_unmark"),
    path("t/<int:topic_id>/abonnement/", views.TopicSubscriptionView.as_view(), name="topic_subscription"),
    path("c/<slug:slug>/abonnement/", views.CategorySubscriptionView.as_view(), name="category_subscription"),
    path("desabonnement/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
