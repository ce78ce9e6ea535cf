"""URLs for finding notices: the CPV picker, "my notices", followed notices, alerts and their feeds."""

from django.urls import path

from procurement import cpv_picker, feeds, views_alerts, views_lists

urlpatterns = [
    path("cpv/", cpv_picker.cpv_search, name="cpv_search"),
    path("mes-avis/", views_lists.my_notices, name="my_notices"),
    path("suivis/", views_lists.followed_notices, name="followed_notices"),
    path("alertes/", views_alerts.alert_list, name="alert_list"),
    path("alertes/nouvelle/", views_alerts.alert_create, name="alert_create"),
    path("alertes/<int:alert_id>/modifier/", views_alerts.alert_update, name="alert_update"),
    path("alertes/<int:alert_id>/supprimer/", views_alerts.alert_delete, name="alert_delete"),
    path("alertes/arret/<str:token>/", views_alerts.alert_unsubscribe, name="alert_unsubscribe"),
    path("alertes/<str:token>/flux/", feeds.AlertAtomFeed(), name="alert_feed"),
    path("alertes/<str:token>/echeances.ics", feeds.alert_calendar, name="alert_calendar"),
]
