"""Check an E-PMI card (issue 15, point 3): the QR on the worker's card opens /cek/kartu/<token>/.

For an employer or an official abroad: the page says whether the card was issued by this portal
and whether the placement is procedural, with only the worker's initials, the company, the
destination and the stage. A changed token (the card is not genuine), an expired one and one
naming no placement each get their own page, never an error: the person holding the phone must
know what to do next. Nothing is cached (the stage moves on) or indexed by search engines.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from placement.epmi_card import CardExpired, CardTampered, card_facts, read_card_token


def _render(request, template: str, context: dict, status: int):
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_safe
def epmi_card_check(request, token: str):
    try:
        link = read_card_token(token)
    except CardExpired as expired:
        return _render(request, "public/epmi_card_expired.html", {"signed_at": expired.signed_at}, 410)
    except CardTampered:
        return _render(request, "public/epmi_card_tampered.html", {}, 400)
    facts = card_facts(link.placement_id)
    if facts is None:
        return _render(request, "public/epmi_card_unknown.html", {}, 404)
    return _render(request, "public/epmi_card_genuine.html", {"card": facts, "link": link}, 200)
