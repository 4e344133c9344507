"""Pages that tell the truth and read well: what a new user noticed, each checked here.

A stray row of column headers above the navigation bar (table headers in <head>), an unstyled
"403 Forbidden", the interface switching to English because a phone is set to English, a login
error naming the field twice, filters asking for ids, codes and "ISO 8601".
"""

import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from placement.choices import EventKind, Stage
from placement.selectors import stage_steps

pytestmark = pytest.mark.django_db

LISTS = ["portal:worker_list", "portal:job_order_list", "placement:placement_list"]


def head_of(page: str) -> str:
    return page.split("<head>", 1)[1].split("</head>", 1)[0]


def before_nav(page: str) -> str:
    """What <body> holds before the navigation bar."""
    return page.split("<body", 1)[1].split("<nav", 1)[0]


@pytest.mark.parametrize("name", LISTS)
def test_list_pages_keep_their_column_headers_in_the_table(client, ministry_official, journey, name):
    client.force_login(ministry_official)
    page = client.get(reverse(name)).content.decode()
    assert "<tbody>" in page and "<tr>" in page.split("<tbody>", 1)[1]  # a row, so the table is drawn
    head = head_of(page)
    assert not re.search(r"<(table|thead|tr|th|td|a|div|span)\b", head), head
    # Nothing but the skip link comes before the navigation bar.
    assert not re.search(r"<(table|th|tr|h1|div)\b", before_nav(page))
    # The headers are inside the table, once.
    table = page.split("<table", 1)[1].split("</table>", 1)[0]
    assert "<thead><tr>" in table and table.count('scope="col"') >= 5
    assert page.count('scope="col"') == table.count('scope="col"')


def test_company_staff_get_a_styled_page_in_indonesian_when_refused(client, agency_a_staff):
    client.force_login(agency_a_staff)
    response = client.get(reverse("portal:agency_list"))  # supervision of companies: officials only
    assert response.status_code == 403
    page = response.content.decode()
    assert 'lang="id"' in page
    assert "Akses ditolak" in page
    assert "bootstrap.min.css" in page and '<nav class="navbar' in page  # the portal's frame, not a bare text
    assert f'href="{reverse("portal:home")}"' in page and "Kembali ke beranda" in page
    assert "403 Forbidden" not in page


def test_the_error_pages_render_without_a_request(client):
    # Django renders 500.html with no context at all: nothing in it may need one.
    page = render_to_string("500.html")
    assert "Kesalahan server" in page and reverse("portal:home") in page
    assert "Permintaan tidak valid" in render_to_string("400.html")


def test_accept_language_does_not_switch_the_pages(client, lotim_regency_official):
    client.force_login(lotim_regency_official)
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert 'lang="id"' in page and "Keluar" in page and "Log out" not in page
    # The language switcher is what changes it, and it stays chosen.
    client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")})
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'lang="en"' in page and "Log out" in page
    # A cookie naming a language we do not have falls back to Bahasa Indonesia.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="id"' in page


def test_the_login_page_ignores_accept_language_too(client):
    response = client.post(
        reverse("accounts:login"), {"username": "nobody", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert "Nama pengguna atau kata sandi tidak benar." in page
    assert page.lower().count("nama pengguna") == 2  # the label and the message, not the message twice


def test_the_api_still_follows_accept_language(client):
    english = client.get("/api/v1/workers/", HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get("/api/v1/workers/")
    assert english.status_code == indonesian.status_code == 401
    assert english["Content-Language"] == "en" and indonesian["Content-Language"] == "id"
    assert english.json()["detail"] != indonesian.json()["detail"]


# --- The stage tracker: a stage is done only if the placement passed through it ------------


def _steps(client, journey) -> dict[str, str]:
    page = client.get(reverse("portal:placement_detail", args=[journey.pk])).content.decode()
    return dict(
        (label.strip(), state)
        for state, label in re.findall(
            r'data-state="(\w+)"[^>]*>\s*<span class="visually-hidden">[^<]*</span>([^<]+)', page
        )
    )


def test_a_stage_never_reached_before_returning_is_not_drawn_as_done(english, lotim_regency_official, journey):
    journey.walk_to(Stage.READY)
    journey.depart()
    journey.return_home(on=journey.placement.departed_on)  # back before any arrival report: no "working abroad"
    english.force_login(lotim_regency_official)
    steps = _steps(english, journey)
    assert steps["10. Departed"] == "done" and steps["12. Returned"] == "done"
    assert steps["11. Working abroad"] == "skipped"
    assert steps["1. Registered"] == steps["9. Ready (E-PMI issued)"] == "done"


def test_a_cancelled_placement_draws_later_stages_as_not_reached(english, lotim_regency_official, journey):
    journey.walk_to(Stage.SELECTED)
    journey.cancel()
    english.force_login(lotim_regency_official)
    steps = _steps(english, journey)
    assert steps["1. Registered"] == "done" and steps["2. Selected"] == "cancelled"
    assert {steps[label] for label in steps if not label.startswith(("1.", "2."))} == {"todo"}


def test_stages_recorded_only_as_a_jump_are_skipped_not_done():
    # An import that starts a placement at the contract stage says nothing of the stages before.
    placement = SimpleNamespace(stage=Stage.CONTRACT)
    created = SimpleNamespace(kind=EventKind.CREATED, from_stage=None, to_stage=Stage.CONTRACT)
    steps = {step["number"]: step["state"] for step in stage_steps(placement, events=[created])}
    assert steps[Stage.CONTRACT] == "current"
    assert {steps[s] for s in range(Stage.REGISTERED, Stage.CONTRACT)} == {"skipped"}
    assert steps[Stage.ORIENTATION] == "todo"


# --- Filters speak to people: names, a date picker, "Semua"; the API keeps its parameters ------


def _filter_form(page: str) -> str:
    main = page.split('<main id="main"', 1)[1]  # the account menu in the bar is a <details> too
    return main.split("<details", 1)[1].split("</details>", 1)[0]


@pytest.mark.parametrize("name", [*LISTS, "portal:agency_list", "oversight:queue"])
def test_filters_ask_for_names_and_dates_not_ids_codes_or_iso_8601(client, ntb_province_official, journey, name):
    client.force_login(ntb_province_official)
    form = _filter_form(client.get(reverse(name), follow=True).content.decode())
    assert "ISO 8601" not in form and "(kode)" not in form and "(id)" not in form
    assert "---------" not in form
    assert 'type="text" name="updated_since"' not in form and 'name="updated_since"' not in form
    if 'type="date"' not in form:
        assert "_from" not in form  # every date filter has the date picker
    if name != "portal:job_order_list":  # the lists that filter by area offer areas by name
        assert re.search(r'<select name="(area|head_office)"[^>]*>\s*<option value="" selected>Semua</option>', form)


def test_the_area_filter_offers_the_jurisdiction_by_name(client, lotim_regency_official, ministry_official, journey):
    client.force_login(lotim_regency_official)
    form = _filter_form(client.get(reverse("portal:worker_list")).content.decode())
    area = form.split('name="area"', 1)[1].split("</select>", 1)[0]
    # A regency official chooses among its districts and their villages, by name.
    assert '<optgroup label="Keruak">' in area and ">Seluruh Keruak</option>" in area
    assert '<option value="52.03.01.2001">Tanjung Luar</option>' in area
    assert "52.04" not in area and "Kupang" not in area  # nothing outside the regency
    # A link to a village keeps its filter, offered by name, for someone the list reaches wider.
    client.force_login(ministry_official)
    page = client.get(reverse("portal:worker_list"), {"area": "52.03.01.2001"}).content.decode()
    assert '<option value="52.03.01.2001" selected>Tanjung Luar</option>' in page
    assert '<optgroup label="Nusa Tenggara Barat">' in page


def test_choices_are_names_and_all_reads_semua(client, ministry_official, journey):
    client.force_login(ministry_official)
    form = _filter_form(client.get(reverse("portal:job_order_list")).content.decode())
    country = form.split('name="country"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Semua</option>' in country and ">Malaysia</option>" in country
    agency = form.split('name="agency"', 1)[1].split("</select>", 1)[0]
    assert f">{journey.placement.agency.name}</option>" in agency
    assert 'name="employer"' not in form  # an id is for programs; the API keeps it


def test_a_link_with_a_programs_filter_still_filters_and_keeps_it(client, ministry_official, journey):
    client.force_login(ministry_official)
    url = reverse("placement:placement_list")
    page = client.get(url, {"job_order": journey.placement.job_order_id}).content.decode()
    assert f'<input type="hidden" name="job_order" value="{journey.placement.job_order_id}"' in page
    assert f'href="/penempatan/{journey.pk}/"' in page
    other = client.get(url, {"job_order": journey.placement.job_order_id + 1000}).content.decode()
    assert f'href="/penempatan/{journey.pk}/"' not in other


def test_the_api_keeps_its_parameters(client, agency_a_staff, journey):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(agency_a_staff)
    for params, found in [
        ({"area": "52.03"}, True),
        ({"area": "53"}, False),
        ({"job_order": journey.placement.job_order_id}, True),
        ({"updated_since": "2000-01-01T00:00:00Z"}, True),
    ]:
        response = api.get("/api/v1/placements/", params)
        assert response.status_code == 200, response.content
        assert (journey.pk in [row["id"] for row in response.json()["results"]]) is found, params
    assert api.get("/api/v1/placements/", {"area": "Lombok"}).status_code == 400


def test_every_table_in_a_page_template_can_scroll_on_a_phone():
    """A table in a page sits in .table-responsive: at 360 px it scrolls inside, the page does not."""
    unwrapped = []
    for path in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        if "admin" in path.parts:
            continue
        text = path.read_text()
        for match in re.finditer(r"<table\b", text):
            opening = text[: match.start()].rsplit("<div", 1)[-1]  # the element that holds the table
            if "table-responsive" not in opening:
                unwrapped.append(f"{path.relative_to(settings.BASE_DIR)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert not unwrapped, unwrapped
