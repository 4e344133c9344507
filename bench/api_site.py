"""The bench-only site `make bench-api` serves: the real URLs plus the baseline endpoints.

The baseline returns the same placement rows as the API through `.values()` and a plain
JsonResponse: no authentication, throttling, serializer, pagination or content negotiation.
It exists only here (bench settings), never in the portal.
"""

from django.http import Http404, JsonResponse
from django.urls import path

from siskop2mi.urls import urlpatterns as portal_urlpatterns

# The columns the API's placement list shows (joins included), as plain values.
FIELDS = [
    "id",
    "worker_id",
    "worker__full_name",
    "worker__nik_last4",  # the list masks the NIK from its last digits, never decrypting
    "job_order_id",
    "application_id",
    "agency_id",
    "job_order__country_id",
    "stage",
    "stage_changed_at",
    "planned_departure_on",
    "agreement_signed_on",
    "agreement_worker_costs",
    "contract_signed_on",
    "contract_salary",
    "departed_on",
    "embarkation_point_id",
    "flight",
    "arrived_on",
    "arrival_reported_on",
    "returned_on",
    "return_reason",
    "cancellation_reason",
    "version",
    "created_at",
    "updated_at",
]


def _rows(request):
    from placement.models import Placement

    return Placement.objects.filter(agency_id=int(request.GET["agency"])).values(*FIELDS)


def baseline_list(request):
    return JsonResponse({"results": list(_rows(request).order_by("-id")[:50])})


def baseline_detail(request, pk: int):
    row = _rows(request).filter(pk=pk).first()
    if row is None:
        raise Http404
    return JsonResponse(row)


urlpatterns = [
    path("bench/placements/", baseline_list),
    path("bench/placements/<int:pk>/", baseline_detail),
    *portal_urlpatterns,
]
