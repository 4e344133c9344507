from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import form_add_refusal
from core.permissions import may_manage_api_keys

from .choices import AuditAction
from .forms import ApiKeyForm, LoginForm
from .models import ApiKey
from .services import api_key_create, api_key_revoke, audit_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=AuditAction.PASSWORD_CHANGED, actor=self.request.user)
        messages.success(self.request, gettext_lazy("Your password has been changed."))
        return response


def _require_company_admin(user):
    if not may_manage_api_keys(user):
        raise PermissionDenied


@login_required
def api_key_list(request):
    """The company's keys (prefix, scope, last use) and a form for a new one.

    A new key is shown once, on the response to the POST that created it, and never stored.
    """
    _require_company_admin(request.user)
    form, new_key = ApiKeyForm(), None
    if request.method == "POST":
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                key, raw_key = api_key_create(
                    actor=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
                )
            except DomainError as error:
                form_add_refusal(form, error)
            else:
                new_key = {"key": key, "raw": raw_key}
                form = ApiKeyForm()
    keys = ApiKey.objects.visible_to(request.user).select_related("created_by", "revoked_by").order_by("-created_at")
    response = render(request, "accounts/api_keys.html", {"form": form, "keys": keys, "new_key": new_key})
    if new_key:
        response["Cache-Control"] = "no-store"  # the page carries a secret: no browser or proxy copy
    return response


@login_required
@require_POST
def api_key_revoke_view(request, pk: int):
    _require_company_admin(request.user)
    key = get_object_or_404(ApiKey.objects.visible_to(request.user), pk=pk)
    try:
        api_key_revoke(actor=request.user, api_key_id=key.pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The key %(prefix)s… is revoked; systems using it are refused from now on.") % {"prefix": key.prefix},
        )
    return redirect("api_keys:list")
