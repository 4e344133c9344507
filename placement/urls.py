from django.urls import path

from . import views

app_name = "placement"

urlpatterns = [
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
]
