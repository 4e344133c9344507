"""The printable E-PMI card of a placement, with the QR code of its check link (issue 15, point 8).

The company that holds the placement, or an official, prints it once the E-PMI is issued (stage 9)
and while the worker is away. Each print signs a fresh link (placement/epmi_card.py), valid for
EPMI_CARD_LINK_MAX_AGE_DAYS; the public page it opens shows only initials, company, country and stage.
"""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core import permissions
from core.personal_data import may_see_full_nik, note_full_numbers_shown, shown_document_number
from placement.choices import DocumentKind
from placement.epmi_card import PRINTABLE_STAGES, card_token, link_max_age, may_print_card
from placement.models import Placement


def _qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code (segno writes and escapes it; no image request, no script)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, title=title, svgclass="epmi-qr", omitsize=True)
    return mark_safe(svg)  # noqa: S308 - segno's own SVG of our own reverse()d address


@never_cache
@login_required
@require_safe
def placement_card(request, pk: int):
    user = request.user
    placement = get_object_or_404(
        Placement.objects.visible_to(user).select_related(
            "worker", "agency", "job_order__country", "job_order__employer", "job_order__occupation"
        ),
        pk=pk,
    )
    if not permissions.may_print_epmi_card(user, placement.agency_id):
        raise PermissionDenied
    context = {"placement": placement, "worker": placement.worker, "job_order": placement.job_order}
    if not may_print_card(placement):
        stages = ", ".join(str(stage.label) for stage in sorted(PRINTABLE_STAGES))
        context["refusal"] = _("The E-PMI card can be printed only in these stages: %(stages)s.") % {"stages": stages}
        return render(request, "portal/placement_card.html", context, status=409)
    now = timezone.now()
    link = request.build_absolute_uri(reverse("public:epmi_card_check", args=[card_token(placement.pk)]))
    epmi = placement.documents.filter(kind=DocumentKind.EPMI).order_by("-issued_on", "-id").first()
    if epmi is not None and may_see_full_nik(user, agency_id=placement.agency_id):
        note_full_numbers_shown(request, model_label=epmi._meta.label_lower, ids=[epmi.pk], field="number")
    context.update(
        {
            "link": link,
            "qr": _qr_svg(link, _("QR code to check this E-PMI card")),
            "epmi_number": shown_document_number(user, epmi.number, agency_id=placement.agency_id) if epmi else "",
            "printed_on": now,
            "link_valid_until": now + link_max_age(),
        }
    )
    return render(request, "portal/placement_card.html", context)
