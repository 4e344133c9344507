"""What an official types on the triage pages, read like every form's text (core.text): invisible
characters out, a NUL refused."""

from django import forms


class DecisionReasonForm(forms.Form):
    """The reason given for confirming or dismissing flags; whether one is needed is the service's rule."""

    reason = forms.CharField(required=False, widget=forms.Textarea)

    def first_error(self) -> str:
        return next(iter(self.errors.get("reason", [])), "")
