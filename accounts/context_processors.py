"""The navigation each role sees."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Home"), reverse("home"))]
    if not user.is_agency_user and not user.scope.nothing:
        items.append((_("Dashboard"), reverse("dashboard:dashboard")))
    if not user.is_agency_user:
        items.append((_("Areas"), reverse("villages:area_list")))
    # Everyone works these lists; visible_to narrows them to the user's jurisdiction or company.
    items.append((_("Workers"), reverse("recruitment:worker_list")))
    items.append((_("Placements"), reverse("placement:placement_list")))
    items.append((_("Job orders"), reverse("recruitment:job_order_list")))
    if not user.is_agency_user and user.role != Role.VILLAGE_OFFICER:
        items.append((_("Companies"), reverse("agencies:agency_list")))
        items.append((_("Red flags"), reverse("oversight:queue")))
    items.append((_("My exports"), reverse("exports:list")))
    if user.role == Role.AGENCY_ADMIN:
        items.append((_("API keys"), reverse("agencies:api_keys")))
    if user.role == Role.SYSTEM_ADMIN:
        items.append((_("Administration"), reverse("admin:index")))
    path = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in items
        ]
    }
