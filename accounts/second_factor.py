"""The second factor (django-otp): an authenticator app (TOTP) and ten single-use recovery codes.

Who must use it is one rule, ``core.roles.needs_second_factor``; SecondFactorMiddleware sends such a
user to these steps until the session is verified. Writes live here, beside the devices they touch:
enrolment, verification (a code from the app or a recovery code), with every outcome audited.
Consecutive wrong codes are counted on the user's authenticator device (django-otp's throttling
counter, its delays switched off by OTP_TOTP_THROTTLE_FACTOR = 0); SECOND_FACTOR_FAILURE_LIMIT of
them lock the login like too many wrong passwords (accounts.lockout.login_lock).
"""

from __future__ import annotations

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import needs_second_factor  # noqa: F401 - the rule, named here for the accounts app

from .choices import AuditAction
from .models import User
from .services import audit_record

AUTHENTICATOR_DEVICE = "authenticator"
RECOVERY_DEVICE = "recovery"
# The demo accounts' authenticator (seed_demo): its code is printed by `manage.py otp_code <username>`;
# no other device's code ever is.
DEMO_DEVICE = "demo"
RECOVERY_CODE_COUNT = 10


def confirmed_authenticator(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as an inline SVG QR code (no script, no image request)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, title="otpauth QR")


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_enrolment_start(*, actor: User) -> TOTPDevice:
    """The authenticator being set up: the one started earlier (same QR on a reload) or a new one."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=AUTHENTICATOR_DEVICE, confirmed=False)
    return device


@transaction.atomic
def second_factor_enrolment_confirm(
    *, actor: User, token: str, ip_address: str | None
) -> tuple[TOTPDevice | None, list[str], int]:
    """Confirm the authenticator being set up with a code it shows. Right: the device is confirmed,
    ten new recovery codes are made (returned once, never shown again). Wrong: (None, [], failures)."""
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("-pk").first()
    if device is None:
        return None, [], 0
    if not device.verify_token(_digits(token)):
        audit_record(
            action=AuditAction.SECOND_FACTOR_FAILED,
            actor=actor,
            ip_address=ip_address,
            step="enrolment",
            failures=device.throttling_failure_count,
        )
        return None, [], device.throttling_failure_count
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    codes = _new_recovery_codes(actor)
    audit_record(action=AuditAction.SECOND_FACTOR_ENROLLED, actor=actor, ip_address=ip_address)
    return device, codes, 0


def _new_recovery_codes(user: User) -> list[str]:
    recovery, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


def _digits(token: str) -> str:
    return "".join((token or "").split())


@transaction.atomic
def second_factor_verify(*, actor: User, token: str, ip_address: str | None) -> tuple[object | None, int]:
    """Check a code from the authenticator app, or else a recovery code (used up by this).

    Returns the device that accepted it (None if none did) and the consecutive wrong codes so far.
    """
    token = _digits(token)
    authenticator = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True).order_by("pk").first()
    if authenticator is not None and authenticator.verify_token(token):
        audit_record(action=AuditAction.SECOND_FACTOR_VERIFIED, actor=actor, ip_address=ip_address, device="app")
        return authenticator, 0
    recovery = StaticDevice.objects.select_for_update().filter(user=actor, confirmed=True).first()
    if recovery is not None and token and recovery.verify_token(token.lower()):
        if authenticator is not None:
            authenticator.throttle_reset()
        audit_record(
            action=AuditAction.RECOVERY_CODE_USED,
            actor=actor,
            ip_address=ip_address,
            left=recovery.token_set.count(),
        )
        return recovery, 0
    failures = authenticator.throttling_failure_count if authenticator is not None else 0
    audit_record(
        action=AuditAction.SECOND_FACTOR_FAILED, actor=actor, ip_address=ip_address, step="login", failures=failures
    )
    return None, failures


def failure_limit_reached(failures: int) -> bool:
    return failures >= settings.SECOND_FACTOR_FAILURE_LIMIT


@transaction.atomic
def second_factor_failures_reset(*, user: User) -> None:
    """After a lock for wrong codes: the next login starts counting again."""
    for device in TOTPDevice.objects.select_for_update().filter(user=user):
        device.throttle_reset()


@transaction.atomic
def second_factor_demo_device(*, user: User) -> TOTPDevice | None:
    """A demo account that must use a second factor gets a confirmed authenticator named "demo"
    (unless it set one up itself), so `make run` logins work with `manage.py otp_code`."""
    if not needs_second_factor(user):
        return None
    existing = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return existing or TOTPDevice.objects.create(user=user, name=DEMO_DEVICE, confirmed=True)


def current_code(device: TOTPDevice) -> tuple[str, int, bool]:
    """The code the device's app shows now, the seconds it has left, and whether it was used already
    (a code is accepted once: then the next one must be awaited)."""
    now = time.time()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    seconds_left = int(device.step - ((now - device.t0) % device.step))
    return f"{totp.token():0{device.digits}d}", seconds_left, totp.t() <= device.last_t
