"""Safe migration, as data: what the page /informasi/ says comes from here and from the registers.

- From the registers, as officials keep them: the zero-cost occupations (recruitment Occupation
  ``zero_cost``), the moratoria in force today (Moratorium), the official embarkation points
  (placement EmbarkationPoint ``official``) and the cap on what a worker may be charged per
  country (Country ``worker_cost_cap_idr``). A change in the admin changes the page.
- Here, in code and through gettext (so Indonesian and English are both complete): the signs of
  a broker and the channels to complain through. They change with the law, not with the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.choices import Sector
from placement.models import EmbarkationPoint
from recruitment.models import Country, Moratorium, Occupation

# The signs that an offer comes from a broker (calo, tekong), not from a licensed company.
BROKER_SIGNS = (
    _("Asks for money before you have signed anything: a “registration”, “processing” or “passport” fee, "
      "or a down payment to hold a place."),
    _("Promises departure within days, without a medical check, training or pre-departure orientation."),
    _("Tells you to travel on a visit, tourist or umrah visa and to get the work permit there."),
    _("Cannot name a licensed company (SIP3MI number) or a job order you can check on this portal."),
    _("Tells you not to register at the village office or at the manpower office (Disnaker/LTSA) of your regency."),
    _("Offers a job under a moratorium, such as household work for an individual employer in the Middle East."),
    _("Keeps your identity card (KTP), family card, passport or diplomas."),
    _("Offers a loan to be paid back from your salary abroad, or costs above the cap for the country."),
    _("Asks you to lie about your age, your name or your marital status, or to leave through a port that "
      "is not official."),
)  # fmt: skip


@dataclass(frozen=True)
class ComplaintChannel:
    name: object  # a lazy translation
    how: object
    url_name: str = ""  # a page of this portal, when the channel is one
    contact: str = ""  # a number to call, when the channel has one


# Where to complain or report, from the village to abroad.
COMPLAINT_CHANNELS = (
    ComplaintChannel(
        name=_("Report a fake offer or a broker"),
        how=_("On this portal, anonymously if you wish: you get a code to follow the report."),
        url_name="public:report_new",
    ),
    ComplaintChannel(
        name=_("File a complaint"),
        how=_("On this portal, for problems before departure, abroad or after return."),
        url_name="public:complaint_new",
    ),
    ComplaintChannel(
        name=_("KP2MI call centre"),
        how=_("The ministry's free complaint line, from any phone in Indonesia."),
        contact="0800-1000",
    ),
    ComplaintChannel(
        name=_("Your village office"),
        how=_("The village officer records brokers and people who left without the procedure."),
    ),
    ComplaintChannel(
        name=_("The manpower office (Disnaker) or LTSA of your regency"),
        how=_("Where you register to work abroad; it handles complaints about recruitment."),
    ),
    ComplaintChannel(
        name=_("The Indonesian embassy or consulate (KBRI, KJRI)"),
        how=_("When you are abroad: report your arrival there, and go there when in trouble."),
    ),
    ComplaintChannel(
        name=_("Police"),
        how=_("When someone is in danger or held against their will."),
        contact="110",
    ),
)


@dataclass(frozen=True)
class MoratoriumGroup:
    sector_label: str
    legal_basis: str
    starts_on: date
    countries: list[str]


def moratoria_in_force(on: date) -> list[MoratoriumGroup]:
    """The moratoria in force on ``on``, one group per sector, legal basis and start (one query)."""
    rows = (
        Moratorium.objects.filter(starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("country")
        .order_by("sector", "legal_basis", "starts_on", "country__name")
    )
    groups: dict[tuple, MoratoriumGroup] = {}
    for row in rows:
        key = (row.sector, row.legal_basis, row.starts_on)
        if key not in groups:
            groups[key] = MoratoriumGroup(
                sector_label=str(Sector(row.sector).label),
                legal_basis=row.legal_basis,
                starts_on=row.starts_on,
                countries=[],
            )
        groups[key].countries.append(row.country.name)
    return list(groups.values())


def safe_migration_facts(on: date) -> dict:
    """Everything /informasi/ shows from the registers (four queries)."""
    return {
        "zero_cost_occupations": [
            {**row, "sector_label": Sector(row["sector"]).label}
            for row in Occupation.objects.filter(zero_cost=True)
            .order_by("sector", "name")
            .values("code", "name", "sector")
        ],
        "moratoria": moratoria_in_force(on),
        "embarkation_points": list(
            EmbarkationPoint.objects.filter(official=True)
            .select_related("regency")
            .order_by("kind", "name")
            .only("code", "name", "kind", "regency__name")
        ),
        "cost_caps": list(
            Country.objects.filter(worker_cost_cap_idr__gt=0)
            .order_by("name")
            .values("code", "name", "worker_cost_cap_idr", "requires_language_test")
        ),
        "broker_signs": BROKER_SIGNS,
        "complaint_channels": COMPLAINT_CHANNELS,
    }
