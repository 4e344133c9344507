"""The navigation each role sees, and its capabilities for templates (``caps.may_triage``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.roles import Role, needs_second_factor


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "caps": {}}
    if needs_second_factor(user) and not getattr(user, "is_verified", lambda: True)():  # waits for the 2nd factor
        return {"nav_items": [], "caps": {}}
    caps = permissions.capabilities_of(user)
    agency_user = permissions.is_agency_user(user)
    items = [(_("Home"), reverse("portal:home"))]
    if user.role == Role.VILLAGE_OFFICER:  # their home is their village: its people and its reports
        home = reverse("portal:village_home")
        items = [
            (_("My village"), home),
            (_("Village reports"), home + "#reports"),
            (_("Report"), home + "#lapor"),
        ]
    if caps["may_see_dashboard"]:
        items.append((_("Dashboard"), reverse("dashboard:dashboard")))
    if not agency_user and not caps["is_mission_officer"]:
        items.append((_("Areas"), reverse("portal:area_list")))
    if caps["may_verify_job_orders"]:  # the missions abroad (their countries) and the ministry
        items.append((_("Verification queue"), reverse("portal:mission_queue")))
        items.append((_("Arrival reports"), reverse("portal:mission_arrivals")))
    # Everyone works these lists; visible_to narrows them to the user's jurisdiction or company.
    items.append((_("Workers"), reverse("portal:worker_list")))
    items.append((_("Placements"), reverse("placement:placement_list")))
    items.append((_("Job orders"), reverse("portal:job_order_list")))
    if caps["may_issue_permits"]:
        items.append((_("Recruitment permits"), reverse("portal:permit_queue")))
    if caps["may_supervise_companies"]:
        items.append((_("Companies"), reverse("portal:agency_list")))
    if permissions.may_see_village_reports(user) and user.role != Role.VILLAGE_OFFICER:
        # What the village officers of the jurisdiction reported (theirs is on their village's page).
        items.append((_("Village reports"), reverse("portal:village_report_list")))
    if permissions.may_handle_complaints(user):  # complaint officers and officials: the queue
        items.append((_("Complaints"), reverse("portal:complaint_queue")))
    elif (agency_user and user.agency_id) or (caps["is_mission_officer"] and user.mission_id):
        # What complaint officers referred to the company or the mission, to answer.
        items.append((_("Complaints referred to you"), reverse("portal:complaint_referrals")))
    if caps["may_see_flags"]:
        items.append((_("Red flags"), reverse("oversight:queue")))
    items.append((_("My exports"), reverse("exports:list")))
    if caps["may_manage_api_keys"]:
        items.append((_("API keys"), reverse("api_keys:list")))
    if caps["may_administer"]:
        items.append((_("Administration"), reverse("admin:index")))
    path = request.path
    return {
        "caps": caps,
        "nav_items": [
            {
                "label": label,
                "url": url,
                "active": path == url or (url != "/" and "#" not in url and path.startswith(url)),
            }
            for label, url in items
        ],
    }
