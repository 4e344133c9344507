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


def _code_widget() -> forms.TextInput:
    # A phone's keyboard shows digits, and the app's code can fill the field by itself.
    return forms.TextInput(
        attrs={
            "class": "form-control form-control-lg otp-code",
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "pattern": "[0-9 ]*",
            "maxlength": "8",
            "autocapitalize": "none",
        }
    )


class SecondFactorEnrolForm(forms.Form):
    otp_token = forms.CharField(
        label=_("The 6-digit code your app shows"),
        max_length=8,
        widget=_code_widget(),
        error_messages={"required": _("Type the 6-digit code your authenticator app shows.")},
    )


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or else one of the recovery codes."""

    otp_token = forms.CharField(
        label=_("The 6-digit code your app shows"), max_length=8, required=False, widget=_code_widget()
    )
    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "autocapitalize": "none"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("otp_token") and not data.get("recovery_code"):
            raise forms.ValidationError(_("Type the 6-digit code your authenticator app shows."))
        return data

    @property
    def code(self) -> str:
        return self.cleaned_data.get("otp_token") or self.cleaned_data.get("recovery_code") or ""
