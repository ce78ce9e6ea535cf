"""The CPV picker in the Wagtail admin's notice form: the list page's combobox (cpv_picker.js, suggestions
from the JSON endpoint in the reader's language) around the plain fields, which work without JavaScript."""

from django import forms
from django.urls import reverse
from wagtail.admin.widgets import AdminAutoHeightTextInput


def _picker_context(context: dict, name: str, suffix: str) -> dict:
    attrs = context["widget"]["attrs"]
    base = attrs.get("id") or f"cpv-{name}"
    context["cpv_picker"] = {"url": reverse("procurement:cpv_search"), "id": f"{base}-{suffix}", "field_id": base}
    return context


class CPVPickerInput(forms.TextInput):
    """One CPV code (main code, a lot's code): typed by hand, or chosen from suggestions as it is typed."""

    template_name = "procurement/widgets/cpv_picker.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", "data-cpv-picker": True, **(attrs or {})})

    class Media:
        css = {"all": ["procurement/cpv_picker_admin.css"]}
        js = ["intranet/js/combobox.js", "procurement/cpv_picker.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Words of a label are searched in it (« services de nettoyage »): the browser must not cut them at
        # the code's 10 characters. The form still refuses a longer value, and says so.
        context["widget"]["attrs"].pop("maxlength", None)
        return _picker_context(context, name, "cpv-hint")


class CPVCodesTextarea(AdminAutoHeightTextInput):
    """Several CPV codes separated by commas: typed by hand, or added one by one from a search box beside
    the field (shown by the script; it has no name, so nothing of it is submitted)."""

    template_name = "procurement/widgets/cpv_picker_append.html"

    class Media:
        css = {"all": ["procurement/cpv_picker_admin.css"]}
        js = ["intranet/js/combobox.js", "procurement/cpv_picker.js"]

    def get_context(self, name, value, attrs):
        return _picker_context(super().get_context(name, value, attrs), name, "cpv-search")
