"""Forms of the accounts app."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import ApiKeyScope


class LoginForm(AuthenticationForm):
    """Django's login form with our own wording of a failed login.

    Django's message interpolates the username field's name into a translated sentence that
    already names it ("Masukkan nama pengguna nama pengguna ..."); ours says it once. The same
    message for an unknown user and a wrong password: it discloses nothing.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or the password is not correct. Capital and small letters count."),
    }


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
