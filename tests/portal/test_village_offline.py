"""The village pages installable and usable offline (issue 13, point 2): the service worker, the
manifest and the outbox page as the server serves them. The browser side is tests/e2e/test_village_offline.py."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_for_the_village_scope_and_never_kept_stale(client):
    response = client.get("/desa/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/desa/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    config = json.loads(body.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["scope"] == "/desa/"
    # the village home, the five report forms, the complaint's form and the outbox, and what they load
    assert config["pages"] == [
        "/desa/",
        "/desa/lapor/niat/",
        "/desa/lapor/keberangkatan/",
        "/desa/lapor/kepulangan/",
        "/desa/lapor/kematian/",
        "/desa/lapor/calo/",
        "/desa/lapor/pengaduan/",
        "/desa/kotak-keluar/",
    ]
    assert "/static/js/village-offline.js" in config["static"]
    assert "/static/vendor/bootstrap/bootstrap.min.css" in config["static"]
    assert "/static/vendor/htmx/htmx.min.js" in config["static"]
    # the API and POSTs are left to the network
    assert config["apiPrefix"] == "/api/"
    assert 'request.method !== "GET"' in body


def test_the_cache_version_changes_with_the_files_it_keeps(client, monkeypatch):
    from portal.views import village_offline

    first = client.get("/desa/sw.js").content
    village_offline._static_version.cache_clear()
    monkeypatch.setattr(village_offline, "SW_REVISION", "another")
    try:
        second = client.get("/desa/sw.js").content
    finally:
        village_offline._static_version.cache_clear()
    assert first != second


def test_the_manifest_makes_the_village_pages_installable(client):
    response = client.get("/desa/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/desa/"
    assert manifest["scope"] == "/desa/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert manifest["name"] == "SISKOP2MI desa"  # Bahasa Indonesia by default


def test_the_manifest_icons_are_real_png_files(client):
    from django.contrib.staticfiles import finders

    for name, side in (("icons/village-192.png", 192), ("icons/village-512.png", 512)):
        with open(finders.find(name), "rb") as handle:
            head = handle.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20], "big") == side


def test_the_manifest_follows_the_chosen_language(english):
    assert english.get("/desa/manifest.webmanifest").json()["name"] == "SISKOP2MI village"


def test_the_service_worker_and_manifest_hold_nothing_personal_and_need_no_login(client):
    # Browsers fetch them without the officer's attention (updates, installation): public, no data.
    assert client.get(reverse("portal:village_service_worker")).status_code == 200
    assert client.get(reverse("portal:village_manifest")).status_code == 200


def test_the_outbox_page_for_a_village_officer(client, village_officer, english):
    client.force_login(village_officer)
    response = client.get(reverse("portal:village_outbox"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="outbox-bar"' in page
    assert 'rel="manifest" href="/desa/manifest.webmanifest"' in page
    assert "js/village-offline.js" in page
    assert 'id="village-offline-text"' in page
    assert "Needs fixing" in page
    # without JavaScript the page says that reports are sent at once
    assert "<noscript>" in page and "sent to the server as soon as you send the form" in page


def test_the_outbox_speaks_indonesian_by_default(client, village_officer):
    client.force_login(village_officer)
    page = client.get(reverse("portal:village_outbox")).content.decode()
    assert "Perlu diperbaiki" in page
    assert "Kirim sekarang" in page
    assert "Tersimpan di ponsel, akan dikirim" in page
    assert "Masuk lagi untuk mengirim" in page


def test_the_outbox_is_for_village_officers_only(client, lotim_regency_official, agency_a_staff):
    url = reverse("portal:village_outbox")
    assert client.get(url).status_code == 302  # asks to log in
    for user in (lotim_regency_official, agency_a_staff):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_no_inline_script_on_the_village_pages(client, village_officer):
    client.force_login(village_officer)
    for url in ("/desa/", "/desa/kotak-keluar/", "/desa/lapor/niat/", "/desa/lapor/pengaduan/"):
        page = client.get(url).content.decode()
        for chunk in page.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), f"an inline script on {url}"
