from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from core.client_address import client_address
from core.errors import DomainError
from core.forms import form_add_refusal
from core.permissions import may_manage_api_keys

from . import second_factor
from .choices import AuditAction
from .forms import ApiKeyForm, LoginForm, SecondFactorEnrolForm, SecondFactorForm
from .lockout import login_lock
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


# --- The second factor: asked after the password (accounts/second_factor.py) -----------------------


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _too_many_wrong_codes(request):
    """The failure limit of wrong codes: the login is locked like one of wrong passwords, and ended."""
    user = request.user
    login_lock(
        user=user,
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        door=request.path,
    )
    second_factor.second_factor_failures_reset(user=user)
    logout(request)
    messages.error(
        request,
        _("Too many wrong codes: you have been logged out and this account is locked for a while. Try again later."),
    )
    return redirect("accounts:login")


@never_cache
@login_required
def two_factor(request):
    """After the password: the code of the authenticator app, or a recovery code."""
    user, next_url = request.user, _next_url(request)
    if not second_factor.needs_second_factor(user) or user.is_verified():
        return redirect(next_url)
    if second_factor.confirmed_authenticator(user) is None:
        return redirect(_with_next("accounts:two_factor_setup", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, failures = second_factor.second_factor_verify(
            actor=user, token=form.code, ip_address=client_address(request)
        )
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left. Each works once.")
                    % {"left": second_factor.recovery_codes_left(user)},
                )
            return redirect(next_url)
        if second_factor.failure_limit_reached(failures):
            return _too_many_wrong_codes(request)
        form.add_error(None, _("The code is not correct. Type the code your app shows now, or a recovery code."))
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@never_cache
@login_required
def two_factor_setup(request):
    """First login of a user who must use a second factor: set up an authenticator app (QR code or
    the secret typed by hand), confirm it with a code, then take the ten recovery codes, shown once."""
    user, next_url = request.user, _next_url(request)
    if not second_factor.needs_second_factor(user):
        return redirect(next_url)
    if second_factor.confirmed_authenticator(user) is not None:
        return redirect(_with_next("accounts:two_factor", next_url))
    device = second_factor.second_factor_enrolment_start(actor=user)
    form = SecondFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed, codes, failures = second_factor.second_factor_enrolment_confirm(
            actor=user, token=form.cleaned_data["otp_token"], ip_address=client_address(request)
        )
        if confirmed is not None:
            otp_login(request, confirmed)
            # The codes are secrets: never_cache keeps the page out of every cache (no-store).
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
        if second_factor.failure_limit_reached(failures):
            return _too_many_wrong_codes(request)
        form.add_error("otp_token", _("That code is not right. Type the 6 digits your app shows now."))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": second_factor.qr_svg(device),
        "secret": second_factor.secret_for_typing(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)
