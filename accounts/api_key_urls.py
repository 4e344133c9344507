"""The company administrator's API-key pages, under /perusahaan/kunci-api/."""

from django.urls import path

from . import views

app_name = "api_keys"

urlpatterns = [
    path("", views.api_key_list, name="list"),
    path("<int:pk>/cabut/", views.api_key_revoke_view, name="revoke"),
]
