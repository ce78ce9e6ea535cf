"""Forms of the core."""

from wagtail.users.forms import UserCreationForm, UserEditForm


class WagtailUserEditForm(UserEditForm):
    pass


class WagtailUserCreationForm(UserCreationForm):
    pass
