from django.urls import path

from . import views

app_name = "placement"

urlpatterns = [
    path("", views.placement_list, name="placement_list"),
    path("<int:pk>/", views.placement_detail, name="placement_detail"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
]
