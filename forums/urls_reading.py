"""URLs for reading the forums: categories, topics, lists, unread tracking and feeds."""

from django.urls import path

from forums import feeds, views_reading
from intranet.page_cache import shared

urlpatterns = [
    path("", views_reading.forum_index, name="index"),
    path("c/<slug:slug>/", views_reading.category_page, name="category"),
    # What an anonymous reader sees, whoever asks: kept in the page cache for logged-in people too.
    path("c/<slug:slug>/feed/", shared(feeds.CategoryFeed()), name="category_feed"),
    path("t/<int:topic_id>/", views_reading.topic_page, name="topic"),
    path("t/<int:topic_id>/non-lu/", views_reading.first_unread, name="first_unread"),
    path("recents/", views_reading.latest, name="latest"),
    path("sans-reponse/", views_reading.unanswered, name="unanswered"),
    path("mes-sujets/", views_reading.my_topics, name="my_topics"),
    path("mes-abonnements/", views_reading.my_subscriptions, name="my_subscriptions"),
    path("tout-lu/", views_reading.mark_all_read, name="mark_all_read"),
]
