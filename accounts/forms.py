"""Forms of the accounts app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiKeyScope


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Which system will use the key, e.g. “HR system, Jakarta office”."),
        error_messages={"required": _("Give the key a name, e.g. the system that will use it.")},
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=ApiKeyScope.choices, initial=ApiKeyScope.READ, widget=forms.RadioSelect
    )
