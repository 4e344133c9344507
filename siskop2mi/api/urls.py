"""The partner API, version 1: /api/v1/ (docs at /api/v1/docs/, schema at /api/v1/schema/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from agencies.api.views import EmployerViewSet, FieldRecruiterViewSet
from complaints.api.views import ComplaintReferralViewSet, ComplaintViewSet
from placement.api.views import EmbarkationPointViewSet, PlacementViewSet
from portal.api.village import VillageComplaintViewSet, VillageReportViewSet
from recruitment.api import views as recruitment
from villages.api.views import AreaSearchViewSet

router = DefaultRouter()
router.register("job-orders", recruitment.JobOrderViewSet, basename="job-order")
router.register("workers", recruitment.WorkerViewSet, basename="worker")
router.register("applications", recruitment.ApplicationViewSet, basename="application")
router.register("placements", PlacementViewSet, basename="placement")
router.register("enrolments", recruitment.EnrolmentViewSet, basename="enrolment")
router.register("countries", recruitment.CountryViewSet, basename="country")
router.register("occupations", recruitment.OccupationViewSet, basename="occupation")
router.register("training-providers", recruitment.TrainingProviderViewSet, basename="training-provider")
router.register("embarkation-points", EmbarkationPointViewSet, basename="embarkation-point")
router.register("employers", EmployerViewSet, basename="employer")
router.register("recruiters", FieldRecruiterViewSet, basename="recruiter")
router.register("areas", AreaSearchViewSet, basename="area")
router.register("village-reports", VillageReportViewSet, basename="village-report")
router.register("village-complaints", VillageComplaintViewSet, basename="village-complaint")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("complaint-referrals", ComplaintReferralViewSet, basename="complaint-referral")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script from its own address (?script): no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
