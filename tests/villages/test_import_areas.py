import gzip
import shutil

import pytest
from django.core.management import call_command

from villages.management.commands.import_areas import DATA_DIR
from villages.models import District, Province, Regency, Village

pytestmark = pytest.mark.django_db


def test_every_area_of_indonesia_is_imported():
    # The session fixture ran the import once; these are the official totals.
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert District.objects.count() == 7285
    assert Village.objects.count() == 83762
    village = Village.objects.select_related("district__regency__province").get(code="53.01.04.2003")
    assert village.district.regency.province.name == "Nusa Tenggara Timur"


def test_a_second_import_changes_nothing(capsys):
    call_command("import_areas")
    out = capsys.readouterr().out
    assert "83762 villages" in out and "514 regencies" in out
    assert "; 0 rows inserted or updated" in out
    assert Village.objects.count() == 83762


def test_a_renamed_village_is_updated_in_place(tmp_path, capsys):
    for path in DATA_DIR.glob("*.csv.gz"):
        shutil.copy(path, tmp_path / path.name)
    villages = tmp_path / "villages.csv.gz"
    with gzip.open(villages, "rt", encoding="utf-8") as handle:
        text = handle.read()
    text = text.replace("53.01.04.2003,53.01.04,", "53.01.04.2003,53.01.04,Desa Baru ", 1)
    with gzip.open(villages, "wt", encoding="utf-8") as handle:
        handle.write(text)

    call_command("import_areas", data_dir=tmp_path)

    assert "; 1 rows inserted or updated" in capsys.readouterr().out
    assert Village.objects.get(code="53.01.04.2003").name.startswith("Desa Baru ")
    assert Village.objects.count() == 83762
