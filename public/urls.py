"""The public's pages (no login anywhere), at the paths people are told on posters and by SMS."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("baru/", views.complaint_new, name="complaint_new"),
    path("baru/terkirim/", views.complaint_filed, name="complaint_filed"),
    path("lacak/", views.complaint_track, name="complaint_track"),
    path("lacak/tambah/", views.complaint_add_information_view, name="complaint_add_information"),
    path("lacak/tutup/", views.complaint_track_close, name="complaint_track_close"),
]
