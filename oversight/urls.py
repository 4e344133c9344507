from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("pindai/", views.start_scan, name="start_scan"),
]
