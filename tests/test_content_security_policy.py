"""The Content-Security-Policy header on every kind of answer: pages, the public's pages, the API,
error pages. That browsers obey it on our pages is tested in tests/e2e/test_content_security_policy.py."""

import pytest

HEADER = "Content-Security-Policy"


def _directives(response) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in response[HEADER].split(";"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/cek/perusahaan/", "/informasi/", "/api/v1/countries/", "/data/v1/", "/no-such-page/"],
)
def test_every_answer_carries_the_strict_policy(client, path):
    directives = _directives(client.get(path))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["connect-src"] == "'self'" and directives["worker-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"


@pytest.mark.django_db
def test_a_signed_in_page_carries_it_too(client, ministry_official):
    client.force_login(ministry_official)
    response = client.get("/wilayah/")
    assert _directives(response)["script-src"] == "'self'"


@pytest.mark.django_db
def test_report_only_mode_reports_instead_of_blocking(client, settings):
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY, settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None, policy
    response = client.get("/informasi/")
    assert HEADER not in response
    assert "script-src 'self'" in response[f"{HEADER}-Report-Only"]


def test_no_page_template_holds_an_inline_script_style_or_handler():
    """What the policy would block, caught before a browser meets it."""
    import re

    from siskop2mi.paths import BASE_DIR

    refused = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:", re.I)
    comments = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
    found = [
        f"{path.relative_to(BASE_DIR)}: {match.group(0)}"
        for path in sorted((BASE_DIR / "templates").rglob("*.html"))
        for match in refused.finditer(comments.sub("", path.read_text()))
    ]
    assert not found
