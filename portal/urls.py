"""Pages that combine several apps, at the paths users know them by."""

from django.urls import path

from .views import (
    areas,
    cards,
    companies,
    complaints,
    home,
    missions,
    permits,
    placements,
    recruitment,
    registry,
    village,
    village_offline,
    village_reports,
)

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("wilayah/", areas.area_list, name="area_list"),
    path("wilayah/<str:code>/", areas.area_detail, name="area_detail"),
    path("rekrutmen/pekerja/", recruitment.worker_list, name="worker_list"),
    path("rekrutmen/pekerja/cari-nik/", recruitment.worker_find_by_nik, name="worker_find_by_nik"),
    path("rekrutmen/pekerja/<int:pk>/", recruitment.worker_detail, name="worker_detail"),
    path("rekrutmen/pekerja/<int:pk>/nik/", recruitment.worker_nik, name="worker_nik"),
    path("rekrutmen/lowongan/", recruitment.job_order_list, name="job_order_list"),
    path("rekrutmen/lowongan/<int:pk>/", recruitment.job_order_detail, name="job_order_detail"),
    path("penempatan/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("penempatan/<int:pk>/kartu/", cards.placement_card, name="placement_card"),  # the E-PMI card, to print
    path("perusahaan/", companies.agency_list, name="agency_list"),
    path("perusahaan/<int:pk>/", companies.agency_detail, name="agency_detail"),
    path("perusahaan/<int:pk>/sanksi/", companies.agency_sanction_view, name="agency_sanction"),
    path("perusahaan/<int:pk>/pulihkan/", companies.agency_reinstate_view, name="agency_reinstate"),
    # --- missions abroad: verification queue, verify/reject, arrival reports ---
    path("misi/antrean/", missions.mission_queue, name="mission_queue"),
    path("misi/kedatangan/", missions.mission_arrivals, name="mission_arrivals"),
    path("rekrutmen/lowongan/<int:pk>/verifikasi/", missions.job_order_verify, name="job_order_verify"),
    path("rekrutmen/lowongan/<int:pk>/tolak/", missions.job_order_reject, name="job_order_reject"),
    path("rekrutmen/lowongan/<int:pk>/ajukan/", missions.job_order_submit, name="job_order_submit"),
    path("rekrutmen/lowongan/<int:pk>/dokumen/", missions.job_order_document_add, name="job_order_document_add"),
    path(
        "rekrutmen/lowongan/dokumen/<int:pk>/berkas/", missions.job_order_document_file, name="job_order_document_file"
    ),
    path("penempatan/<int:pk>/kedatangan/", missions.placement_arrive, name="placement_arrive"),
    path(
        "penempatan/<int:pk>/kedatangan/konfirmasi/",
        missions.placement_confirm_arrival,
        name="placement_confirm_arrival",
    ),
    # --- recruitment permits (SIP2MI): apply, queue, issue/refuse/revoke, publish ---
    path("rekrutmen/lowongan/<int:pk>/izin/ajukan/", permits.permit_apply, name="permit_apply"),
    path("rekrutmen/lowongan/<int:pk>/terbitkan/", permits.job_order_publish, name="job_order_publish"),
    path("izin-rekrutmen/", permits.permit_queue, name="permit_queue"),
    path("izin-rekrutmen/<int:pk>/terbitkan/", permits.permit_issue, name="permit_issue"),
    path("izin-rekrutmen/<int:pk>/tolak/", permits.permit_refuse, name="permit_refuse"),
    path("izin-rekrutmen/<int:pk>/cabut/", permits.permit_revoke, name="permit_revoke"),
    # --- national registry: register a person ---
    path("rekrutmen/pekerja/daftar/", registry.worker_register_view, name="worker_register"),
    # --- fees ---
    path("penempatan/<int:pk>/biaya/", placements.placement_fee_add, name="placement_fee_add"),
    # --- placement documents checked by an official ---
    path("penempatan/dokumen/<int:pk>/verifikasi/", placements.document_verify_view, name="document_verify"),
    # --- a village officer's pages (the offline app's scope is /desa/) ---
    path("desa/", village.village_home, name="village_home"),
    path("desa/lapor/<slug:slug>/", village.village_report_new, name="village_report_new"),
    path("desa/laporan/<int:pk>/ubah/", village.village_report_edit, name="village_report_edit"),
    # the offline app: service worker (scope /desa/), manifest, the phone's outbox
    path("desa/sw.js", village_offline.village_service_worker, name="village_service_worker"),
    path("desa/manifest.webmanifest", village_offline.village_manifest, name="village_manifest"),
    path("desa/kotak-keluar/", village_offline.village_outbox, name="village_outbox"),
    # --- village reports, as officials see them (issue 13) ---
    path("laporan-desa/", village_reports.village_report_list, name="village_report_list"),
    path("laporan-desa/<int:pk>/", village_reports.village_report_detail, name="village_report_detail"),
    path("laporan-desa/<int:pk>/tutup/", village_reports.village_report_close_view, name="village_report_close"),
    path("laporan-desa/<int:pk>/buka/", village_reports.village_report_reopen_view, name="village_report_reopen"),
    # --- complaints, as those who handle them see them (issue 14; the public's are under /pengaduan/) ---
    path("pengaduan-masuk/", complaints.complaint_queue, name="complaint_queue"),
    path("pengaduan-masuk/baru/", complaints.complaint_hotline, name="complaint_hotline"),
    path("pengaduan-masuk/<int:pk>/", complaints.complaint_detail, name="complaint_detail"),
    path("pengaduan-masuk/<int:pk>/status/", complaints.complaint_transition_view, name="complaint_transition"),
    path("pengaduan-masuk/<int:pk>/tugaskan/", complaints.complaint_assign_view, name="complaint_assign"),
    path("pengaduan-masuk/<int:pk>/rujuk/", complaints.complaint_refer_view, name="complaint_refer"),
    path("pengaduan-masuk/<int:pk>/cari-tautan/", complaints.complaint_link_search, name="complaint_link_search"),
    path("pengaduan-masuk/<int:pk>/tautkan/", complaints.complaint_link_view, name="complaint_link"),
    path("pengaduan-masuk/lampiran/<int:pk>/", complaints.complaint_attachment, name="complaint_attachment"),
    path("pengaduan-rujukan/", complaints.complaint_referrals, name="complaint_referrals"),
    path("pengaduan-rujukan/<int:pk>/", complaints.complaint_referral_detail, name="complaint_referral_detail"),
]
