"""The officials' dashboard: figures from the summary, scoped to the jurisdiction, with drill-down.

The small world (conftest.py): Agency A has two published job orders for Malaysia, 10 positions
recruiting in Lombok Timur (52.03) and 5 in Kupang (53.01). Three women and men of Keruak district
in Lombok Timur are placed on the first: one left today, one is selected, one just registered.
A Kupang woman is registered but not placed. A village officer of Tanjung Luar reported a
departure nobody recorded: one open high-severity red flag in Lombok Timur.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dashboard.models import Figure, Snapshot
from dashboard.selectors import snapshot_figures
from dashboard.services import LOCK_KEY, dashboard_refresh
from dashboard.tasks import refresh_dashboard
from recruitment.models import Worker
from tests.placement import journey as steps

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "english")]

URL = reverse("dashboard:dashboard")
LOTIM, KERUAK, TANJUNG_LUAR, PIJOT = "52.03", "52.03.01", "52.03.01.2001", "52.03.01.2002"
KUPANG_VILLAGE = "53.01.04.2003"  # Bokonusan, Semau district, Kupang


def page(client, user, area=None):
    client.force_login(user)
    response = client.get(URL, {"area": area} if area is not None else {})
    assert response.status_code == 200
    return response.content.decode()


def figure(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1).strip()


def child_row(html: str, code: str) -> list[str]:
    """The cells of one child area's row: its name, then its figures."""
    found = re.search(rf'<tr data-area="{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert found, code
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_before_the_first_refresh_the_page_says_there_are_no_figures(client, ministry_official):
    html = page(client, ministry_official)
    assert "No figures have been computed yet." in html
    assert 'id="figure-open-vacancies"' not in html and "Figures as of" not in html
    assert "dashboard-charts" not in html


def test_the_ministry_sees_the_national_figures_after_a_refresh(client, world, ministry_official):
    dashboard_refresh()
    html = page(client, ministry_official)
    # 15 positions; 1 departed and 2 in process on the Lombok job order (10): 7 + 5 still open.
    assert figure(html, "figure-open-vacancies") == "12"
    assert figure(html, "figure-fill-rate") == "6.7 %"
    assert figure(html, "vacancies-job-orders") == "2"
    assert figure(html, "vacancies-positions") == "15"
    assert figure(html, "vacancies-filled") == "1"
    assert figure(html, "figure-departures-month") == "1"
    assert figure(html, "figure-in-process") == "2"
    assert figure(html, "figure-working") == "0"
    assert figure(html, "figure-open-flags") == "1"
    assert "Open red flags (1 high)" in html
    assert "Seen leaving, never recorded as departed" in html
    assert re.search(r"Malaysia</th><td[^>]*>1</td>", html)
    assert re.search(r"Registered</th><td[^>]*>1</td>", html)
    assert re.search(r"Selected</th><td[^>]*>1</td>", html)
    assert re.search(r"Departed</th><td[^>]*>1</td>", html)
    # This month's row of the trend: 4 registered, 1 departed.
    month = timezone.localdate().strftime("%B %Y")
    assert re.search(rf"{month}</th><td[^>]*>4</td><td[^>]*>1</td>", html)
    # Women and men: departures, then registered workers.
    assert re.search(r"Female</th><td[^>]*>1</td><td[^>]*>3</td>", html)
    assert re.search(r"Male</th><td[^>]*>0</td><td[^>]*>1</td>", html)
    # The provinces, each with its figures: NTB holds the three Lombok workers, NTT the Kupang one.
    assert child_row(html, "52")[:7] == ["Nusa Tenggara Barat", "3", "2", "0", "1", "1", "7"]
    assert child_row(html, "53")[:7] == ["Nusa Tenggara Timur", "1", "0", "0", "0", "0", "5"]
    assert "dashboard-charts" in html and "vendor/chartjs/chart.umd.min.js" in html


def test_a_registration_counts_in_the_month_of_its_date_in_indonesia(world):
    """Half an hour after midnight on the first of the month (Asia/Jakarta) is this month, half an hour
    before it the month before, though both moments fall on the same day in UTC."""
    first = timezone.localdate().replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    midnight = datetime(first.year, first.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))  # Asia/Jakarta
    Worker.objects.filter(village_id=KUPANG_VILLAGE).update(created_at=midnight + timedelta(minutes=30))
    Worker.objects.filter(village_id=PIJOT).update(created_at=midnight - timedelta(minutes=30))
    dashboard_refresh(full=True)
    figures = snapshot_figures(Snapshot.objects.latest("id"))
    this_month, month_before = first.strftime("%Y-%m"), previous.strftime("%Y-%m")
    assert figures[KUPANG_VILLAGE]["registrations"] == {this_month: 1}
    assert figures[PIJOT]["registrations"] == {month_before: 1}
    assert figures[""]["registrations"] == {this_month: 3, month_before: 1}


def test_a_regency_official_sees_their_regency_and_its_districts(client, world, lotim_regency_official):
    dashboard_refresh()
    html = page(client, lotim_regency_official)
    assert "Dashboard: Kabupaten Lombok Timur" in html
    assert figure(html, "figure-open-vacancies") == "7"
    assert figure(html, "figure-fill-rate") == "10.0 %"
    assert figure(html, "figure-in-process") == "2"
    assert figure(html, "figure-open-flags") == "1"
    assert child_row(html, KERUAK)[:6] == ["Keruak", "3", "2", "0", "1", "1"]
    assert child_row(html, "52.03.02")[:6] == ["Sakra", "0", "0", "0", "0", "0"]
    assert f'href="{URL}?area={KERUAK}"' in html
    # The province above is named but not a link: it is outside the jurisdiction.
    assert f'href="{URL}?area=52"' not in html and "Nusa Tenggara Barat" in html


def test_the_other_regency_sees_only_its_own(client, world, ntt_regency_official):
    dashboard_refresh()
    html = page(client, ntt_regency_official)
    assert "Dashboard: Kabupaten Kupang" in html
    assert figure(html, "figure-open-vacancies") == "5"
    assert figure(html, "figure-fill-rate") == "0.0 %"
    assert figure(html, "figure-in-process") == "0"
    assert figure(html, "figure-open-flags") == "0"
    assert "Lombok" not in html


@pytest.mark.parametrize("area", ["53.01", "53", "52", "", "52.04", "52.03.01.9999", "xx", "52.03.", "52.030"])
def test_a_regency_official_cannot_open_another_area(client, world, lotim_regency_official, area):
    dashboard_refresh()
    client.force_login(lotim_regency_official)
    response = client.get(URL, {"area": area})
    # "" is their own regency; anything outside it, or not an area at all, is a 404.
    assert response.status_code == (200 if area == "" else 404)


def test_companies_are_refused_and_a_village_officer_sees_their_village(client, world, agency_a_staff, village_officer):
    dashboard_refresh()
    client.force_login(agency_a_staff)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"area": LOTIM}).status_code == 403
    html = page(client, village_officer)
    assert "Dashboard: Tanjung Luar" in html
    # Two of the three Lombok workers live in Tanjung Luar: the departed one and the selected one.
    assert figure(html, "figure-in-process") == "1"
    assert figure(html, "figure-departures-month") == "1"
    # Vacancies are those of the regency the village is in.
    assert figure(html, "figure-open-vacancies") == "7"
    assert "table-children" not in html
    client.force_login(village_officer)
    assert client.get(URL, {"area": PIJOT}).status_code == 404


def test_drill_down_from_the_country_to_a_village(client, world, ministry_official):
    dashboard_refresh()
    html = page(client, ministry_official)
    assert f'href="{URL}?area=52"' in html
    assert 'aria-current="page">Indonesia</li>' in html
    html = page(client, ministry_official, "52")
    assert "Dashboard: Nusa Tenggara Barat" in html and f'href="{URL}?area={LOTIM}"' in html
    assert f'<a href="{URL}">Indonesia</a>' in html
    assert child_row(html, LOTIM)[:7] == ["Kabupaten Lombok Timur", "3", "2", "0", "1", "1", "7"]
    html = page(client, ministry_official, LOTIM)
    assert f'href="{URL}?area={KERUAK}"' in html
    html = page(client, ministry_official, KERUAK)
    assert child_row(html, TANJUNG_LUAR)[:6] == ["Tanjung Luar", "2", "1", "0", "1", "1"]
    assert child_row(html, PIJOT)[:6] == ["Pijot", "1", "1", "0", "0", "0"]
    html = page(client, ministry_official, PIJOT)
    assert "Dashboard: Pijot" in html and "table-children" not in html
    # The way back up: every level above is a link for the ministry.
    for code in ("52", LOTIM, KERUAK):
        assert f'href="{URL}?area={code}"' in html


def test_the_page_says_how_fresh_the_figures_are(client, world, ministry_official):
    snapshot = dashboard_refresh()
    html = page(client, ministry_official)
    taken = timezone.localtime(snapshot.taken_at).strftime("%H:%M")
    assert "Figures as of <time datetime=" in html
    assert f">{taken}</time>, refreshed every 15 minutes." in html
    assert "have not been refreshed for a while" not in html
    Snapshot.objects.filter(pk=snapshot.pk).update(taken_at=snapshot.taken_at - timedelta(hours=2))
    assert "have not been refreshed for a while" in page(client, ministry_official)


def test_the_full_rebuild_is_idempotent_and_keeps_the_previous_snapshot_one_round(world):
    first = dashboard_refresh(full=True)
    rows = snapshot_figures(first)
    second = dashboard_refresh(full=True)
    assert second.pk > first.pk
    assert snapshot_figures(second) == rows
    assert second.areas == len(rows)
    # The first stays while pages may still be reading it; the next refresh removes it.
    assert list(Snapshot.objects.order_by("id").values_list("pk", flat=True)) == [first.pk, second.pk]
    third = dashboard_refresh(full=True)
    assert list(Snapshot.objects.order_by("id").values_list("pk", flat=True)) == [second.pk, third.pk]
    assert not Figure.objects.filter(snapshot=first).exists()
    assert snapshot_figures(third) == rows
    # The country, two provinces, two regencies, two districts, three villages.
    assert sorted(rows, key=lambda code: (len(code), code)) == [
        "", "52", "53", LOTIM, "53.01", KERUAK, "53.01.04", TANJUNG_LUAR, PIJOT, KUPANG_VILLAGE
    ]  # fmt: skip


def test_a_refresh_already_running_makes_a_second_one_step_aside(world):
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [LOCK_KEY])
        assert dashboard_refresh() is None
        assert not Snapshot.objects.exists()
    finally:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [LOCK_KEY])
        other.close()
    assert dashboard_refresh() is not None


def test_the_task_refreshes(world, ministry_official):
    snapshot_id = refresh_dashboard(ministry_official.pk)
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    assert snapshot.requested_by == ministry_official and snapshot.areas > 0


def test_only_the_ministry_refreshes_on_demand(client, monkeypatch, ministry_official, lotim_regency_official):
    started = []
    monkeypatch.setattr("dashboard.views.refresh_dashboard.delay", lambda user_id: started.append(user_id))
    client.force_login(lotim_regency_official)
    assert client.post(reverse("dashboard:refresh")).status_code == 403
    assert "Refresh the figures now" not in page(client, lotim_regency_official)
    client.force_login(ministry_official)
    assert "Refresh the figures now" in page(client, ministry_official)
    response = client.post(reverse("dashboard:refresh"), {"area": LOTIM})
    assert response.status_code == 302 and response.url == f"{URL}?area={LOTIM}"
    assert started == [ministry_official.pk]
    assert client.get(reverse("dashboard:refresh")).status_code == 405


def test_officials_find_the_dashboard_in_the_menu(client, ministry_official, agency_a_staff):
    client.force_login(ministry_official)
    assert f'href="{URL}">Dashboard</a>' in client.get(reverse("portal:home")).content.decode()
    client.force_login(agency_a_staff)
    assert f'href="{URL}"' not in client.get(reverse("portal:home")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_page_reads_its_villages_figures_in_a_transaction_of_its_own(client, world, ministry_official):
    """As served (no test transaction around the request): the snapshot and the village tallies are
    read in one REPEATABLE READ transaction."""
    dashboard_refresh()
    html = page(client, ministry_official, KERUAK)
    assert child_row(html, TANJUNG_LUAR)[:6] == ["Tanjung Luar", "2", "1", "0", "1", "1"]
    assert child_row(html, PIJOT)[:6] == ["Pijot", "1", "1", "0", "0", "0"]


@pytest.mark.parametrize("persona", ["ministry_official", "lotim_regency_official", "village_officer"])
def test_the_page_runs_the_same_queries_whatever_the_data(
    client, request, world, persona, django_assert_num_queries, agency_a_staff, licensed_agency
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    dashboard_refresh()
    # session, user, snapshot, area names (not for the country), child areas (none below a village),
    # figures (and a village's, from its tallies), country names; and the menu's jurisdiction
    # (base.html) for a regency or village user; and an official's second-factor device
    expected = {"ministry_official": 7, "lotim_regency_official": 9, "village_officer": 8}[persona]
    with django_assert_num_queries(expected):
        assert client.get(URL).status_code == 200
    for serial in range(10, 40):
        steps.register_worker(actor=agency_a_staff, agency=licensed_agency, serial=serial, full_name=f"PMI {serial}")
    dashboard_refresh()
    with django_assert_num_queries(expected):
        assert client.get(URL).status_code == 200
