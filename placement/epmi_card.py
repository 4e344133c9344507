"""The E-PMI card's QR link: a signed, expiring token naming one placement.

The printed card carries a link to the public check page (``/cek/kartu/<token>/``). The token is
the placement's id signed with the portal's secret key and the time it was signed
(``django.core.signing.TimestampSigner``, its own salt), so nobody can make one for a placement
or change the id, and a card printed long ago stops being shown as genuine after
``EPMI_CARD_LINK_MAX_AGE_DAYS``. The page it opens shows only what an employer or an official abroad
needs to trust the card: the worker's initials, the company, the destination and the stage.

Signing lives here, below the portal (which prints the card) and the public pages (which check
it), since those two never import each other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .choices import Stage
from .models import Placement

SALT = "placement.epmi_card"
# The card exists once the E-PMI is issued (stage 9) and is what the worker carries abroad.
PRINTABLE_STAGES = frozenset({Stage.READY, Stage.DEPARTED, Stage.WORKING})


class _Signer(signing.TimestampSigner):
    """A TimestampSigner whose signing time can be given (a card printed earlier, in tests)."""

    def __init__(self, *, at: datetime | None = None):
        super().__init__(salt=SALT)
        self._at = at

    def timestamp(self):
        if self._at is None:
            return super().timestamp()
        return signing.b62_encode(int(self._at.timestamp()))


def link_max_age() -> timedelta:
    return timedelta(days=settings.EPMI_CARD_LINK_MAX_AGE_DAYS)


def card_token(placement_id: int, *, signed_at: datetime | None = None) -> str:
    """The token of the card of ``placement_id``, signed now (or at ``signed_at``)."""
    return _Signer(at=signed_at).sign(str(placement_id))


class CardTampered(Exception):
    """The token was not made by this portal, or was changed."""


class CardExpired(Exception):
    """The token is genuine but older than the card link's lifetime."""

    def __init__(self, signed_at: datetime):
        super().__init__(signed_at)
        self.signed_at = signed_at


@dataclass(frozen=True)
class CardLink:
    placement_id: int
    signed_at: datetime
    valid_until: datetime


def read_card_token(token: str) -> CardLink:
    """The placement a token names, or CardTampered / CardExpired."""
    signer = _Signer()
    try:
        value = signer.unsign(token, max_age=link_max_age())
    except signing.SignatureExpired as error:
        raise CardExpired(_signed_at(token)) from error  # the signature held: its time can be read
    except (signing.BadSignature, ValueError, IndexError, OverflowError) as error:
        raise CardTampered from error
    signed_at = _signed_at(token)
    if not value.isdigit() or signed_at.timestamp() > time.time() + 60:
        raise CardTampered
    return CardLink(placement_id=int(value), signed_at=signed_at, valid_until=signed_at + link_max_age())


def _signed_at(token: str) -> datetime:
    stamp = token.rsplit(signing.Signer().sep, 2)[1]
    return datetime.fromtimestamp(signing.b62_decode(stamp), tz=timezone.get_current_timezone())


def initials(full_name: str) -> str:
    """'Siti Aminah' -> 'S. A.': enough for whoever holds the card to match it, nothing more."""
    letters = [word[0].upper() for word in full_name.replace(".", " ").split() if word[:1].isalpha()]
    return " ".join(f"{letter}." for letter in letters[:4])


def may_print_card(placement: Placement) -> bool:
    """Whether the placement has a card to print: its E-PMI issued and it is not over."""
    return placement.stage in PRINTABLE_STAGES


@dataclass(frozen=True)
class CardFacts:
    """What the public check page may show of a placement: no name, no NIK, no birth date."""

    initials: str
    company: str
    company_id: int
    country: str
    stage: int
    stage_label: str
    procedural: bool  # in the procedure or abroad through it (not cancelled, not back home)
    cancelled: bool
    returned: bool


def card_facts(placement_id: int) -> CardFacts | None:
    """The card's public facts, or None when no placement has that id."""
    placement = (
        Placement.objects.select_related("worker", "agency", "job_order__country").filter(pk=placement_id).first()
    )
    if placement is None:
        return None
    stage = Stage(placement.stage)
    return CardFacts(
        initials=initials(placement.worker.full_name),
        company=placement.agency.name,
        company_id=placement.agency_id,
        country=placement.job_order.country.name,
        stage=int(stage),
        stage_label=stage.label,
        procedural=stage not in (Stage.CANCELLED, Stage.RETURNED),
        cancelled=stage == Stage.CANCELLED,
        returned=stage == Stage.RETURNED,
    )
