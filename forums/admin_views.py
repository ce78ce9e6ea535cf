"""Forum categories in Wagtail admin, for platform admins only: tree of two levels, visibility, moderators."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from forums.models import Category
from intranet.views.admin import PlatformAdminPolicy

Visibility = Category.Visibility

register_permission_policy(Category, PlatformAdminPolicy(Category), exact_class=True)


class CategoryForm(WagtailAdminModelForm):
    class Meta:
        model = Category
        fields = [
            "name", "slug", "description", "parent", "position", "visibility", "organization", "group", "moderators",
        ]  # fmt: skip
        widgets = {"moderators": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only top-level categories can be parents (two levels), and never the category itself.
        parents = Category.objects.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean(self):
        data = super().clean()
        parent, visibility = data.get("parent"), data.get("visibility")
        if parent is not None:
            if parent.parent_id is not None:
                self.add_error("parent", _("Categories have two levels only: choose a top-level category."))
            if self.instance.pk and (parent.pk == self.instance.pk or self.instance.children.exists()):
                self.add_error("parent", _("This category has sub-categories: it must stay at the top level."))
        if visibility == Visibility.ORGANIZATION and not data.get("organization"):
            self.add_error("organization", _("Choose the organization whose people may read this category."))
        if visibility == Visibility.GROUP and not data.get("group"):
            self.add_error("group", _("Choose the group whose members may read this category."))
        if visibility != Visibility.ORGANIZATION and data.get("organization"):
            self.add_error("organization", _("Only for the “one organization only” visibility."))
        if visibility != Visibility.GROUP and data.get("group"):
            self.add_error("group", _("Only for the “a named group” visibility."))
        return data


class CategoryViewSet(ModelViewSet):
    """Forum categories; counters are kept by the forum actions and are not edited here."""

    model = Category
    form_class = CategoryForm
    icon = "comment"
    menu_label = _("Forum categories")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "parent", "visibility", "topic_count", "post_count", "last_activity_at"]
    list_filter = ["visibility"]
    search_fields = ["name", "slug", "description"]
    search_backend_name = None
    ordering = ["position", "name"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return CategoryForm

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=Category.objects.select_related("parent"), **kwargs)


@hooks.register("register_admin_viewset")
def register_category_viewset():
    return CategoryViewSet("forum_categories")
