from django.urls import path

from . import views

app_name = "recruitment"

urlpatterns = [
    path("pekerja/", views.worker_list, name="worker_list"),
    path("pekerja/cari-nik/", views.worker_find_by_nik, name="worker_find_by_nik"),
    path("pekerja/<int:pk>/", views.worker_detail, name="worker_detail"),
    path("pekerja/<int:pk>/nik/", views.worker_nik, name="worker_nik"),
    path("lowongan/", views.job_order_list, name="job_order_list"),
    path("lowongan/<int:pk>/", views.job_order_detail, name="job_order_detail"),
]
