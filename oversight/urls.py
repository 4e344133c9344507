from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("pindai/", views.start_scan, name="start_scan"),
    path("antrean/", views.queue, name="queue"),
    path("antrean/massal/", views.bulk, name="bulk"),
    path("bendera/<int:pk>/", views.flag_detail, name="flag_detail"),
    path("bendera/<int:pk>/ambil/", views.flag_assign_me, name="flag_assign_me"),
    path("bendera/<int:pk>/keputusan/", views.flag_decision, name="flag_decision"),
]
