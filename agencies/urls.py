from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("", views.agency_list, name="agency_list"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("<int:pk>/sanksi/", views.agency_sanction_view, name="agency_sanction"),
    path("<int:pk>/pulihkan/", views.agency_reinstate_view, name="agency_reinstate"),
    path("kunci-api/", views.api_key_list, name="api_keys"),
    path("kunci-api/<int:pk>/cabut/", views.api_key_revoke_view, name="api_key_revoke"),
]
