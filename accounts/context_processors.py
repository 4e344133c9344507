"""The navigation each role sees."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Home"), reverse("home"))]
    if not user.is_agency_user:
        items.append((_("Areas"), reverse("villages:area_list")))
    if not user.is_agency_user and user.role != Role.VILLAGE_OFFICER:
        items.append((_("Red flags"), reverse("oversight:overview")))
    if user.role == Role.SYSTEM_ADMIN:
        items.append((_("Administration"), reverse("admin:index")))
    path = request.path
    return {
        "nav_items": [
            {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
            for label, url in items
        ]
    }
