"""The house rules a machine can check (docs/architecture.md): every model of ours says in its
own docstring what it holds, and no app imports from a layer above it."""

import subprocess
import sys
from pathlib import Path

from django.apps import apps

from siskop2mi.paths import BASE_DIR


def _generated_docstring(model) -> str:
    # What django.db.models.base.ModelBase._prepare writes when a model has no docstring.
    return "{}({})".format(model.__name__, ", ".join(field.name for field in model._meta.fields))


def _lacks_docstring(model) -> bool:
    doc = (model.__dict__.get("__doc__") or "").strip()
    return not doc or doc == _generated_docstring(model)


def _our_models():
    # Our apps are the top-level packages of the repository (not those under .venv).
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == BASE_DIR
        for model in config.get_models()
    ]


def test_detector_recognises_the_docstring_django_generates():
    from django.contrib.contenttypes.models import ContentType

    assert _lacks_docstring(ContentType)  # Django ships it without one: "ContentType(id, app_label, model)"
    assert not _lacks_docstring(apps.get_model("placement", "Placement"))


def test_every_model_of_ours_has_its_own_docstring():
    models = _our_models()
    labels = {model._meta.app_label for model in models}
    assert {"accounts", "villages", "agencies", "recruitment", "placement", "oversight"} <= labels
    undocumented = sorted(model._meta.label for model in models if _lacks_docstring(model))
    assert undocumented == [], f"models without a docstring of their own: {undocumented}"


def test_import_layers_contract_is_kept():
    # The same check `make lint` and .ci/run make (pyproject.toml [tool.importlinter]).
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], cwd=BASE_DIR, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
