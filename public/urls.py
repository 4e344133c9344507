"""The public's pages (no login anywhere), at the paths people are told on posters and by SMS."""

from django.urls import path

from . import views, views_card, views_check, views_data, views_vacancies

app_name = "public"

urlpatterns = [
    path("pengaduan/baru/", views.complaint_new, name="complaint_new"),
    path("pengaduan/baru/terkirim/", views.complaint_filed, name="complaint_filed"),
    path("pengaduan/lacak/", views.complaint_track, name="complaint_track"),
    path("pengaduan/lacak/tambah/", views.complaint_add_information_view, name="complaint_add_information"),
    path("pengaduan/lacak/tutup/", views.complaint_track_close, name="complaint_track_close"),
    # --- check a company or a job order before you go (issue 15) ---
    path("cek/perusahaan/", views_check.company_search, name="company_search"),
    path("cek/perusahaan/<int:pk>/", views_check.company_check, name="company_check"),
    path("cek/lowongan/", views_check.job_order_search, name="job_order_search"),
    path("cek/lowongan/<int:pk>/", views_check.job_order_check, name="job_order_check"),
    path("cetak/lowongan/<int:pk>/", views_check.job_order_print, name="job_order_print"),
    # --- vacancies, safe-migration information, report a fake offer or a broker (issue 15) ---
    path("lowongan/", views_vacancies.vacancy_board, name="vacancy_board"),
    path("informasi/", views_vacancies.safe_migration, name="safe_migration"),
    path("laporkan/", views_vacancies.report_new, name="report_new"),
    # --- the E-PMI card's QR link, and the open registers (issue 15) ---
    path("cek/kartu/<str:token>/", views_card.epmi_card_check, name="epmi_card_check"),
    path("data/v1/", views_data.data_index, name="data_index"),
    path("data/v1/openapi.json", views_data.data_openapi, name="data_openapi"),
    path("data/v1/<str:name>", views_data.data_register, name="data_register"),  # companies, companies.csv, ...
]
