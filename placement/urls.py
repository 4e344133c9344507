from django.urls import path

from . import views

app_name = "placement"

urlpatterns = [
    path("", views.placement_list, name="placement_list"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
]
