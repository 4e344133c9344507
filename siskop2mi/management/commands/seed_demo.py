"""Demo data for `make run`: one account per role, and on an empty database the demo
companies, job orders, workers and placements at every stage (siskop2mi/demo_data.py),
then a full red-flag scan, so the demo opens with every planted case flagged.

Passwords are random per installation and written to var/demo/credentials.json
(git-ignored); nothing secret is in the repository. Idempotent: a second run
keeps the accounts and their passwords.
"""

import json
import secrets
import time

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.choices import Role
from accounts.models import ApiKey, ApiKeyScope, User
from accounts.second_factor import second_factor_demo_device
from accounts.services import api_key_create, api_key_hash, user_create
from agencies.models import Agency
from dashboard.models import Snapshot
from dashboard.services import dashboard_refresh
from oversight.engine import full_scan
from oversight.models import ScanRun
from oversight.selectors import open_flags
from placement.models import Placement
from recruitment.models import Mission
from siskop2mi import paths
from siskop2mi.demo_data import DEMO_ACTORS, DEMO_AGENCY, SECOND_AGENCY, build_demo_data
from villages.models import Province, Regency, Village

# (username, full name, role, jurisdiction field, jurisdiction code, company or mission abroad)
DEMO_ACCOUNTS = [
    ("kementerian", "Rahmawati Siregar", Role.MINISTRY_OFFICIAL, None, None),
    ("prov.ntb", "Lalu Ahmad Zaini", Role.PROVINCE_OFFICIAL, "province", "52"),
    ("prov.ntt", "Maria Yasinta Lake", Role.PROVINCE_OFFICIAL, "province", "53"),
    ("kab.lotim", "Baiq Nurul Hidayah", Role.REGENCY_OFFICIAL, "regency", "52.03"),
    ("kab.kupang", "Yohanes Ndun", Role.REGENCY_OFFICIAL, "regency", "53.01"),
    ("desa.tanjungluar", "Muhammad Saleh", Role.VILLAGE_OFFICER, "village", "52.03.01.2001"),
    ("desa.tanjungluar2", "Lalu Sukardi", Role.VILLAGE_OFFICER, "village", "52.03.01.2001"),
    ("desa.pijot", "Hj. Nurhasanah", Role.VILLAGE_OFFICER, "village", "52.03.01.2002"),
    ("desa.nunkurus", "Marthen Tefa", Role.VILLAGE_OFFICER, "village", "53.01.06.2002"),
    ("p3mi.admin", "Hendra Gunawan", Role.AGENCY_ADMIN, "agency", DEMO_AGENCY),
    ("p3mi.staf", "Siti Aminah", Role.AGENCY_STAFF, "agency", DEMO_AGENCY),
    ("p3mi2.admin", "Yosef Benu", Role.AGENCY_ADMIN, "agency", SECOND_AGENCY),
    ("kbri.kl", "Andi Pratama", Role.MISSION_OFFICER, "mission", "KBRI Kuala Lumpur"),
    ("kdei.taipei", "Wulan Sari", Role.MISSION_OFFICER, "mission", "KDEI Taipei"),
    ("kjri.hk", "Rudi Hartono", Role.MISSION_OFFICER, "mission", "KJRI Hong Kong"),
    ("pengaduan", "Dewi Lestari", Role.COMPLAINT_OFFICER, None, None),
    ("auditor", "Bambang Susanto", Role.AUDITOR, None, None),
    ("admin", "Administrator Sistem", Role.SYSTEM_ADMIN, None, None),
]


def demo_password(user: User) -> str:
    """A random password the house's validators accept for this user: now and then a random one
    happens to look like the username (UserAttributeSimilarityValidator), so draw again."""
    while True:
        candidate = secrets.token_urlsafe(9)
        try:
            validate_password(candidate, user)
        except ValidationError:
            continue
        return candidate


# The demo companies whose administrators hold a demo API key.
DEMO_API_KEY_HOLDERS = [("p3mi.admin", DEMO_AGENCY), ("p3mi2.admin", SECOND_AGENCY)]

JURISDICTION_MODELS = {"province": Province, "regency": Regency, "village": Village}


class Command(BaseCommand):
    help = "Create the demo accounts (and demo data) for a development portal. Never for production."

    def handle(self, *args, verbosity: int = 1, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("seed_demo creates accounts with published passwords; it refuses to run in production.")
        if not Village.objects.exists():
            raise CommandError("Import the areas first: manage.py import_areas")
        credentials_path = paths.DEMO_DIR / "credentials.json"
        known = self._read(credentials_path)
        accounts = []
        with transaction.atomic():
            for username, full_name, role, field, value in DEMO_ACCOUNTS:
                password = known.get(username)
                user = User.objects.filter(username=username).first()
                if user is None:
                    password = password or demo_password(User(username=username, full_name=full_name))
                    user = user_create(
                        actor=None,
                        username=username,
                        full_name=full_name,
                        role=role,
                        password=password,
                        **self._jurisdiction(field, value),
                    )
                elif password is None or not user.check_password(password):
                    # The credentials file was lost or edited: issue a fresh demo password.
                    password = demo_password(user)
                    user.set_password(password)
                    user.save(update_fields=["password"])
                # Officials and the like confirm each login with a code: `manage.py otp_code <username>`.
                second_factor = second_factor_demo_device(user=user) is not None
                accounts.append(
                    {
                        "username": username,
                        "password": password,
                        "role": role.value,
                        "role_label": str(role.label),
                        "jurisdiction": str(user.jurisdiction or "Indonesia"),
                        "second_factor": second_factor,
                    }
                )
            api_keys = self._api_keys(self._read_keys(credentials_path))
        paths.DEMO_DIR.mkdir(parents=True, exist_ok=True)
        existing = json.loads(credentials_path.read_text()) if credentials_path.exists() else {}
        existing["accounts"] = accounts
        existing["api_keys"] = api_keys
        credentials_path.write_text(json.dumps(existing, indent=2, ensure_ascii=False))
        credentials_path.chmod(0o600)
        if verbosity:
            self.stdout.write(f"Demo accounts: {len(accounts)} ready; logins in {credentials_path}")
        if not Placement.objects.exists():
            started = time.monotonic()
            # Each step by the demo account whose step it is, never by whoever runs the seeding.
            summary = build_demo_data({user.username: user for user in User.objects.filter(username__in=DEMO_ACTORS)})
            if verbosity:
                self.stdout.write(
                    f"Demo data: {summary['placements']} placements through every stage and "
                    f"{summary['planted']} planted non-procedural cases in {time.monotonic() - started:.1f}s"
                )
        if not ScanRun.objects.exists():
            # The engine re-checks what the services write, not the planted rows: scan the whole
            # demo once, so the red-flag queue shows every planted case before anyone presses "scan".
            full_scan()
            if verbosity:
                ministry = User.objects.get(username="kementerian")
                self.stdout.write(f"Red-flag scan: {open_flags(ministry).count()} open flags")
        if not Snapshot.objects.exists():
            # The dashboard reads summary tables the scheduler refreshes every 15 minutes: fill them now.
            dashboard_refresh()

    @staticmethod
    def _read_keys(path) -> dict:
        if not path.exists():
            return {}
        return {row["agency"]: row["key"] for row in json.loads(path.read_text()).get("api_keys", [])}

    @staticmethod
    def _api_keys(known: dict) -> list[dict]:
        """A read-write API key for each of two demo companies, for docs/api.md's examples.

        Only a key's hash is stored, so a key is reused while the credentials file still holds it.
        """
        keys = []
        for username, agency_name in DEMO_API_KEY_HOLDERS:
            raw_key = known.get(agency_name, "")
            prefix = raw_key.split("_")[1] if raw_key.count("_") >= 2 else ""
            still_valid = ApiKey.objects.filter(
                prefix=prefix, key_hash=api_key_hash(raw_key), revoked_at__isnull=True
            ).exists()
            if not still_valid:
                admin = User.objects.get(username=username)
                raw_key = api_key_create(actor=admin, name="Demo (docs/api.md)", scope=ApiKeyScope.READ_WRITE)[1]
            keys.append({"agency": agency_name, "key": raw_key, "scope": ApiKeyScope.READ_WRITE.value})
        return keys

    @staticmethod
    def _read(path) -> dict:
        if not path.exists():
            return {}
        return {row["username"]: row["password"] for row in json.loads(path.read_text()).get("accounts", [])}

    @staticmethod
    def _jurisdiction(field: str | None, value: str | None) -> dict:
        if field is None:
            return {}
        if field == "agency":
            return {"agency": Agency.objects.get_or_create(name=value)[0]}
        if field == "mission":
            return {"mission": Mission.objects.get(name=value)}
        return {field: JURISDICTION_MODELS[field].objects.get(code=value)}
