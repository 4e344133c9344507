"""`make run` end to end: the embedded stack starts, serves, every demo login
works, and Ctrl-C stops every process it started."""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import psutil
import pytest

from core.roles import Role
from siskop2mi.paths import BASE_DIR

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def log_in(base_url: str, username: str, password: str, env: dict) -> str:
    """Log in as the banner says: the password, then for those who must use a second factor the code
    `manage.py otp_code <username>` prints."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(url: str, fields: dict) -> str:
        page = opener.open(url).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
        return opener.open(urllib.request.Request(url, data=data.encode(), headers={"Referer": base_url})).geturl()

    landed = post(f"{base_url}/accounts/login/", {"username": username, "password": password})
    if "/accounts/two-factor/" in landed:
        code = subprocess.run(
            [sys.executable, "manage.py", "otp_code", username],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        landed = post(landed, {"otp_token": code})
    return landed


def processes_using(var_dir) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline", "cwd", "environ"]):
        try:
            cmdline = " ".join(process.info["cmdline"] or [])
            environ = process.info["environ"] or {}
        except (psutil.Error, TypeError):
            continue
        if str(var_dir) in cmdline or environ.get("SISKOP2MI_VAR_DIR") == str(var_dir):
            found.append(process)
    return found


def test_make_run_serves_every_demo_login_and_ctrl_c_leaves_nothing_behind(tmp_path):
    var_dir = tmp_path / "var"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(SISKOP2MI_VAR_DIR=str(var_dir), PORT=str(port))
    output = open(tmp_path / "run.log", "w+")  # noqa: SIM115
    launcher = subprocess.Popen(
        [sys.executable, "-m", "siskop2mi.devstack", "run"],
        cwd=BASE_DIR,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: "Stop everything with Ctrl-C" in (tmp_path / "run.log").read_text(), 240, "the banner")
        # Healthy soon after "ready": the heartbeat has a worker of its own, not one busy with
        # the re-checks the demo seeding queued (issue 16 asks for 30 s).
        wait_for(lambda: _health(base_url) == 200, 30, "a healthy /healthz within 30 s of ready")
        # A worker killed outright is started again; the portal keeps running.
        worker = next(p for p in psutil.Process(launcher.pid).children() if "interactive@%h" in " ".join(p.cmdline()))
        worker.kill()
        wait_for(lambda: "worker-interactive started again" in (tmp_path / "run.log").read_text(), 30, "a new worker")
        assert launcher.poll() is None and _health(base_url) == 200
        log = (tmp_path / "run.log").read_text()
        assert f"SISKOP2MI is running at {base_url}/" in log

        credentials = json.loads((var_dir / "demo" / "credentials.json").read_text())
        roles = {account["role"] for account in credentials["accounts"]}
        assert roles == set(Role.values)  # an account for every role (some roles have several)
        assert "manage.py otp_code <user>" in log  # how officials get their second-factor code
        for account in credentials["accounts"]:
            assert account["password"] in log
            landed = log_in(base_url, account["username"], account["password"], env)
            # A village officer's home is their village's page (/desa/), which "/" sends them to.
            home = f"{base_url}/desa/" if account["role"] == Role.VILLAGE_OFFICER else f"{base_url}/"
            assert landed == home, f"{account['username']} could not log in"

        with urllib.request.urlopen(f"{base_url}/accounts/login/") as response:
            assert response.status == 200
        assert processes_using(var_dir), "the stack's processes should be found while it runs"
        personal_numbers = _demo_personal_numbers(env)
    finally:
        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=90)
        output.close()

    assert launcher.returncode == 0
    leftovers = lambda: [" ".join(p.info["cmdline"] or []) for p in processes_using(var_dir)]  # noqa: E731
    wait_for(lambda: not leftovers(), 20, f"every started process to exit; still running: {leftovers()}")
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the web port is still open"
    # Seeding, re-checks, logins and page loads wrote their logs: none holds a NIK or passport number.
    assert len(personal_numbers) > 20
    for log_file in [tmp_path / "run.log", *(var_dir / "log").rglob("*")]:
        if log_file.is_file():
            text = log_file.read_text(errors="replace")
            leaked = sorted(number for number in personal_numbers if number in text)
            assert not leaked, f"{log_file.name} holds personal numbers: {leaked[:3]}"


def _demo_personal_numbers(env: dict) -> set[str]:
    """Every NIK and passport number of the demo data, read (decrypted) through the running stack."""
    script = (
        "from recruitment.models import Worker; from placement.models import Document; "
        "from placement.choices import DocumentKind; "
        "print('\\n'.join([*Worker.objects.values_list('nik', flat=True), "
        "*Document.objects.filter(kind=DocumentKind.PASSPORT).values_list('number', flat=True)]))"
    )
    shell = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {line.strip() for line in shell.stdout.splitlines() if len(line.strip()) >= 6}


def _health(base_url: str) -> int:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz") as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
