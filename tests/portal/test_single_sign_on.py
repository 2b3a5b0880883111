"""Single sign-on against a real OpenID Connect provider (npm oidc-provider on Node.js) started on 127.0.0.1.

The provider is installed from the npm registry into var/oidc-provider/ the first time; with CI=true the test is
mandatory, elsewhere it skips with the reason when Node.js or npm is missing.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.matching import found
from tests.services import require
from themes.permissions import role_of

pytestmark = [pytest.mark.sso, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
INSTALL_DIR = ROOT / "var" / "oidc-provider"
PROVIDER_SCRIPT = Path(__file__).resolve().parent / "oidc" / "provider.mjs"
CLIENT_ID, CLIENT_SECRET = "stigar", "stigar-test-secret"
ACCOUNTS = {
    "lisa": {
        "email": "lisa.sso@kiruna.example",
        "email_verified": True,
        "given_name": "Lisa",
        "family_name": "Sso",
        "municipality": "2584",
    }
}


@pytest.fixture(autouse=True)
def _taxonomy() -> None:
    import importlib

    from django.apps import apps

    importlib.import_module("themes.migrations.0002_taxonomy_data").load(apps, None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _install_provider() -> Path:
    require(shutil.which("node") is not None and shutil.which("npm") is not None, "needs Node.js and npm")
    package = INSTALL_DIR / "node_modules" / "oidc-provider" / "package.json"
    if not package.exists():
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                shutil.which("npm") or "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--silent",
                "--prefix",
                str(INSTALL_DIR),
                "oidc-provider@9",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        require(
            result.returncode == 0,
            f"needs the npm package oidc-provider (npm install failed: {result.stderr[-300:]})",
        )
    return INSTALL_DIR


@pytest.fixture
def provider(live_server: LiveServer) -> Iterator[str]:
    folder = _install_provider()
    port = _free_port()
    script = folder / "provider.mjs"  # beside node_modules, so that `import "oidc-provider"` resolves
    shutil.copyfile(PROVIDER_SCRIPT, script)
    redirect_uri = f"{live_server.url}/oidc/callback/"
    process = subprocess.Popen(
        [
            shutil.which("node") or "node",
            str(script),
            str(port),
            CLIENT_ID,
            CLIENT_SECRET,
            redirect_uri,
            json.dumps(ACCOUNTS),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            process.kill()
            pytest.fail(f"the OIDC provider did not start: {process.stdout.read() if process.stdout else ''}")
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso_settings(settings: Settings, provider: str) -> Settings:
    discovery = requests.get(f"{provider}/.well-known/openid-configuration", timeout=5).json()
    settings.STIGAR_SSO_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "portal.accounts.sso.StigarOIDCBackend",
    ]
    return settings


def _submit(
    session: requests.Session, response: requests.Response, data: dict[str, str]
) -> requests.Response:
    """Post the page's form (the provider's development sign-in or consent form) to its action."""
    action = html.unescape(found(r'<form[^>]*action="([^"]+)"', response.text, 1))
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
    return session.post(urljoin(response.url, action), data={**hidden, **data}, timeout=10)


def _sign_in_through_provider(
    live_server: LiveServer, login: str
) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    page = session.get(f"{live_server.url}/accounts/login/", timeout=10)
    start = found(r'href="(/oidc/authenticate/[^"]*)"', page.text, 1)
    response = session.get(live_server.url + html.unescape(start), timeout=10)
    assert "/interaction/" in response.url, response.text[:500]
    response = _submit(session, response, {"login": login, "password": "any"})
    for _ in range(3):  # the consent step (and nothing else) may come between sign-in and the callback
        if response.url.startswith(live_server.url):
            break
        response = _submit(session, response, {})
    return session, response


def test_a_first_sign_in_makes_an_account_waiting_for_a_role_with_the_claimed_municipality(
    live_server: LiveServer, sso_settings: Settings
) -> None:
    session, landed = _sign_in_through_provider(live_server, "lisa")
    assert landed.url.startswith(live_server.url), landed.url
    assert landed.status_code == 200
    person = get_user_model().objects.get(email="lisa.sso@kiruna.example")
    assert person.get_full_name() == "Lisa Sso"
    assert not person.has_usable_password()
    assert role_of(person) is None  # the coordinating team approves the role
    claimed = person.single_sign_on.claimed_municipality
    assert claimed is not None
    assert claimed.slug == "kiruna"
    assert "koordineringsteamet" in landed.text.lower() or "coordinating team" in landed.text.lower()
    # Signed in in Stigar: the session belongs to the person.
    profile = session.get(f"{live_server.url}/accounts/profile/", timeout=10, allow_redirects=False)
    assert profile.status_code == 200
    assert "lisa.sso@kiruna.example" in profile.text


def test_a_deactivated_person_is_refused_by_single_sign_on(
    live_server: LiveServer, sso_settings: Settings
) -> None:
    from tests.factories import user_with_role

    person = user_with_role("partner", username="lisa-old", email="lisa.sso@kiruna.example")
    person.is_active = False
    person.save()
    session, _landed = _sign_in_through_provider(live_server, "lisa")
    profile = session.get(f"{live_server.url}/accounts/profile/", timeout=10, allow_redirects=False)
    assert profile.status_code == 302
    assert "/accounts/login/" in profile.headers["Location"]
    assert get_user_model().objects.filter(email__iexact="lisa.sso@kiruna.example").count() == 1


def test_the_paths_do_not_exist_without_configuration(client: Client, settings: Settings) -> None:
    settings.STIGAR_SSO_ENABLED = False
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "oidc" not in client.get("/accounts/login/").content.decode()
