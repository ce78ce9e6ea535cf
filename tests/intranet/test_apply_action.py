"""`intranet.forms.apply_action`: how every app's views put an action's refusal onto the form the person filled."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from intranet.forms import apply_action


class TitleForm(forms.Form):
    title = forms.CharField()


def bound() -> TitleForm:
    form = TitleForm({"title": "Avis de marché"})
    assert form.is_valid()
    return form


def refuse(error):
    def write():
        raise error

    return write


def test_the_actions_result_comes_back_and_the_form_stays_clean():
    form = bound()
    assert apply_action(form, lambda: 42) == 42
    assert form.errors == {}


def test_a_refusal_naming_a_field_goes_beside_it_and_what_was_typed_is_kept():
    form = bound()
    assert apply_action(form, refuse(ValidationError({"title": "Ce titre est déjà pris."}))) is None
    assert form.errors == {"title": ["Ce titre est déjà pris."]}
    assert form["title"].value() == "Avis de marché"


def test_a_refusal_naming_a_field_the_form_lacks_or_none_goes_at_the_top():
    form = bound()
    apply_action(form, refuse(ValidationError({"deadline": "La date limite est passée."})))
    apply_action(form, refuse(ValidationError("Vous ne pouvez pas publier cet avis.")))
    assert form.non_field_errors() == ["La date limite est passée.", "Vous ne pouvez pas publier cet avis."]
    assert "title" not in form.errors


def test_other_errors_are_not_swallowed():
    with pytest.raises(PermissionError):
        apply_action(bound(), refuse(PermissionError("no")))
