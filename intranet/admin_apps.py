"""Wagtail's users app, pointed at our user viewset (e-mail login, job title); listed in INSTALLED_APPS."""

from wagtail.users.apps import WagtailUsersAppConfig


class IntranetUsersAppConfig(WagtailUsersAppConfig):
    # Wagtail 6.1+ replaced the WAGTAIL_USER_*_FORM settings with a custom UserViewSet.
    user_viewset = "intranet.viewsets.UserViewSet"
