from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/progres/", views.export_progress, name="progress"),
    path("<int:pk>/unduh/", views.export_download, name="download"),
    path("buat/<slug:kind>/", views.export_start, name="start"),
]
