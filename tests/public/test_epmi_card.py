"""The E-PMI card (issue 15, points 3 and 8): the company or an official prints it with a QR code; the
QR's signed, expiring link shows an employer or an official abroad that the card is genuine and the
placement procedural, with initials only; a changed, an expired and an unknown link each say so."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from placement.choices import Stage
from placement.epmi_card import card_token, initials

pytestmark = pytest.mark.django_db


def card_url(pk: int) -> str:
    return reverse("portal:placement_card", args=[pk])


def check_url(token: str) -> str:
    return reverse("public:epmi_card_check", args=[token])


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def verdict(response) -> str:
    match = re.search(r'data-verdict="(\w+)"', response.content.decode())
    assert match, "no verdict on the page"
    return match.group(1)


@pytest.fixture
def ready(journey):
    """Baiq Rohani's placement with its E-PMI issued (stage 9)."""
    journey.walk_to(Stage.READY)
    return journey


def printed_link(client, user, pk: int) -> str:
    client.force_login(user)
    response = client.get(card_url(pk))
    assert response.status_code == 200
    link = re.search(r'class="epmi-card-link">([^<]+)<', response.content.decode()).group(1)
    language = client.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    client.logout()  # the one holding the phone abroad has no account (logging out drops every cookie)
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language.value
    return link


def test_initials_keep_one_letter_a_word():
    assert initials("Baiq Rohani") == "B. R."
    assert initials("Ni Luh Putu Ayu Sari") == "N. L. P. A."
    assert initials("Sukarno") == "S."


def test_the_company_prints_the_card_with_a_qr_code_of_the_check_link(client, agency_a_staff, ready, english):
    client.force_login(agency_a_staff)
    response = client.get(card_url(ready.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "epmi-qr" in body
    assert ready.placement.worker.full_name in body  # the worker's own card
    assert ready.placement.worker.nik not in body and ready.placement.worker.birth_date.isoformat() not in body
    link = re.search(r'class="epmi-card-link">([^<]+)<', body).group(1)
    assert link.startswith("http://testserver/cek/kartu/")
    assert response["Cache-Control"].startswith("max-age=0")
    assert "E-PMI number" in text(response)


def test_the_placement_page_offers_the_card_to_those_who_may_print_it(
    client, agency_a_staff, lotim_regency_official, ready, english
):
    for user in (agency_a_staff, lotim_regency_official):
        client.force_login(user)
        page = client.get(reverse("portal:placement_detail", args=[ready.pk]))
        assert card_url(ready.pk) in page.content.decode(), user


def test_no_card_before_the_e_pmi_is_issued(client, agency_a_staff, journey, english):
    client.force_login(agency_a_staff)
    page = client.get(reverse("portal:placement_detail", args=[journey.pk]))
    assert card_url(journey.pk) not in page.content.decode()
    response = client.get(card_url(journey.pk))
    assert response.status_code == 409
    assert "can be printed only in these stages" in text(response)


def test_another_company_cannot_print_the_card(client, agency_b_staff, ready):
    client.force_login(agency_b_staff)
    assert client.get(card_url(ready.pk)).status_code == 404


def test_a_village_officer_who_sees_the_placement_cannot_print_its_card(client, village_officer, ready):
    client.force_login(village_officer)
    assert client.get(card_url(ready.pk)).status_code in (403, 404)
    page = client.get(reverse("portal:placement_detail", args=[ready.pk]))
    assert card_url(ready.pk) not in page.content.decode()


def test_printing_needs_a_login(client, ready):
    response = client.get(card_url(ready.pk))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_qr_link_shows_a_genuine_card_with_initials_company_country_and_stage(
    client, agency_a_staff, ready, english
):
    link = printed_link(client, agency_a_staff, ready.pk)
    response = client.get(link)
    assert response.status_code == 200
    assert verdict(response) == "procedural"
    page = text(response)
    worker = ready.placement.worker
    assert "B. R." in page
    assert ready.placement.agency.name in page
    assert "Malaysia" in page
    assert "Ready (E-PMI issued)" in page
    body = response.content.decode()
    assert worker.full_name not in body and worker.nik not in body
    assert worker.birth_date.isoformat() not in body and worker.village.name not in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_check_page_follows_the_placement_abroad_and_its_cancellation(client, ready, english):
    token = card_token(ready.pk)
    ready.plan_departure(ready.departure)
    ready.depart()
    response = client.get(check_url(token))
    assert verdict(response) == "procedural" and "Departed" in text(response)
    ready.placement.refresh_from_db()
    from placement.models import Placement

    Placement.objects.filter(pk=ready.pk).update(stage=Stage.CANCELLED, cancellation_reason="Uji")
    response = client.get(check_url(token))
    assert response.status_code == 200
    assert verdict(response) == "cancelled"


def test_a_changed_link_says_the_card_is_not_valid(client, ready):
    token = card_token(ready.pk)
    value, stamp, signature = token.split(":")
    forged = f"{int(value) + 1}:{stamp}:{signature}"
    response = client.get(check_url(forged))
    assert response.status_code == 400
    assert verdict(response) == "tampered"
    assert "Kartu ini tidak sah" in text(response)  # Indonesian first


def test_a_changed_link_in_english(client, ready, english):
    response = client.get(check_url(card_token(ready.pk)[:-2] + "xx"))
    assert response.status_code == 400
    assert "This card is not valid" in text(response)


@pytest.mark.parametrize("token", ["abc", "1:2", "::", "1:zzzzzzzzzzzz:abc", "-1:1:1", "%20", "1:" + "9" * 40 + ":x"])
def test_garbage_links_say_the_card_is_not_valid_never_an_error(client, token):
    response = client.get(check_url(token))
    assert response.status_code == 400
    assert verdict(response) == "tampered"


def test_an_old_link_says_it_expired(client, ready, english):
    printed = timezone.now() - timedelta(days=3 * 365)
    response = client.get(check_url(card_token(ready.pk, signed_at=printed)))
    assert response.status_code == 410
    assert verdict(response) == "expired"
    page = text(response)
    assert "has expired" in page
    assert "B. R." not in page and ready.placement.agency.name not in page  # an expired link shows nothing


def test_the_link_lifetime_is_a_setting(client, ready, settings):
    token = card_token(ready.pk, signed_at=timezone.now() - timedelta(days=40))
    assert client.get(check_url(token)).status_code == 200
    settings.EPMI_CARD_LINK_MAX_AGE_DAYS = 30
    response = client.get(check_url(token))
    assert response.status_code == 410
    assert verdict(response) == "expired"


def test_a_link_signed_in_the_future_is_not_valid(client, ready):
    token = card_token(ready.pk, signed_at=timezone.now() + timedelta(days=30))
    assert client.get(check_url(token)).status_code == 400


def test_a_genuine_link_to_no_placement_says_so(client, english):
    response = client.get(check_url(card_token(987654321)))
    assert response.status_code == 404
    assert verdict(response) == "unknown"
    assert "no placement in SISKOP2MI matches it" in text(response)
