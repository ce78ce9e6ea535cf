"""The admin of the exchanges for platform admins: the subject classification and the recipient authorities.
Wagtail's model viewsets check Django's model permissions: only those granted them (platform admins) see them."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from exchanges import demo, search_hooks  # noqa: F401  imported for their @hooks.register
from exchanges.models import Authority, Subject


class SubjectViewSet(ModelViewSet):
    model = Subject
    url_prefix = "exchanges/subjects"
    url_namespace = "exchanges_subjects"
    icon = "list-ul"
    form_fields = ["code", "label", "parent"]
    list_display = ["code", "label", "parent"]
    search_fields = ["code", "label"]
    search_backend_name = None
    ordering = ["sort_key"]
    copy_view_enabled = False


class AuthorityViewSet(ModelViewSet):
    model = Authority
    url_prefix = "exchanges/authorities"
    url_namespace = "exchanges_authorities"
    icon = "site"
    form_fields = ["organization", "role", "departments"]
    list_display = ["organization", "role", "departments"]
    list_filter = ["role"]
    search_backend_name = None
    copy_view_enabled = False


class ExchangesViewSetGroup(ModelViewSetGroup):
    menu_label = _("Exchanges with the State")
    menu_icon = "mail"
    menu_order = 300
    items = (AuthorityViewSet, SubjectViewSet)


@hooks.register("register_admin_viewset")
def register_exchanges_viewsets():
    return ExchangesViewSetGroup()
