"""The dashboard over HTTP (Starlette's test client): sign-in, CSRF, tenancy, filters, downloads."""
from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from bots.web.app import build_app, safe_next
from bots.web.auth import SESSION_COOKIE, SignInThrottle, WebAuth, WebTokensError, parse_tokens
from memory.owner import Owner
from memory.settings import Settings
from tests.dashboard_data import seed

TOKEN_A, TOKEN_B = "a" * 24, "b" * 24


@pytest.fixture
def tenants(settings: Settings) -> tuple[Owner, Owner]:
    tag = uuid.uuid4().hex[:8]
    return Owner.slack(f"TA{tag}"), Owner.slack(f"TB{tag}")


@pytest.fixture
def web(settings: Settings, tenants: tuple[Owner, Owner]) -> Iterator[tuple[TestClient, list[str], list[str]]]:
    a, b = tenants
    mine = seed(settings, a, results=5)
    theirs = seed(settings, b, subject="delta", display="Delta", results=3)
    s = settings.model_copy(update={"web_tokens": SecretStr(f"{TOKEN_A}={a.key},{TOKEN_B}={b.key}")})
    with TestClient(build_app(s), follow_redirects=False) as client:
        yield client, mine, theirs


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, token: str = TOKEN_A) -> None:
    form = client.get("/login")
    response = client.post("/login", data={"csrf": csrf_of(form.text), "token": token, "next": "/results"})
    assert response.status_code == 303 and response.headers["location"] == "/results"


@pytest.mark.parametrize("path", ["/", "/results", "/results/{id}", "/results/{id}/charts/0", "/results/{id}/export/pdf"])
def test_unauthenticated_requests_get_the_login_page_never_data(web, path: str) -> None:
    client, mine, _ = web
    response = client.get(path.format(id=mine[0]), headers={"accept": "text/html"})
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    login = client.get(response.headers["location"])
    assert 'name="token"' in login.text and "Stanley" not in login.text and "/100 over" not in login.text  # (the asked path comes back only as where to go next)
    scripted = client.get(path.format(id=mine[0]), headers={"accept": "application/json", "authorization": "Bearer wrong-token-wrong-token"})
    assert scripted.status_code == 401 and "Stanley" not in scripted.text


def test_sign_in_sets_a_signed_httponly_session_and_shows_only_the_owners_things(web) -> None:
    client, mine, theirs = web
    sign_in(client)
    cookie = next(c for c in client.cookies.jar if c.name == SESSION_COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly") and TOKEN_A not in cookie.value
    home = client.get("/")
    assert home.status_code == 200 and "Stanley" in home.text and "Delta" not in home.text
    assert all(r not in home.text for r in theirs)
    browse = client.get("/results")
    assert all(r in browse.text for r in mine) and all(r not in browse.text for r in theirs)
    for path in (f"/results/{theirs[0]}", f"/results/{theirs[0]}/charts/0", f"/results/{theirs[0]}/export/pdf"):
        assert client.get(path).status_code == 404  # another tenant's result reads as no result
    assert "no-store" in home.headers["cache-control"] and "frame-ancestors 'none'" in home.headers["content-security-policy"]


def test_a_forged_or_tampered_session_is_refused(web) -> None:
    client, _, _ = web
    sign_in(client)
    value = client.cookies.get(SESSION_COOKIE)
    label, expiry, sig = value.split(".")
    for forged in (f"{label}.{int(expiry) + 10**6}.{sig}", f"{'0' * len(label)}.{expiry}.{sig}", f"{label}.{expiry}.{'0' * len(sig)}", "nonsense", "a.b.c.d"):
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, forged)
        assert client.get("/").status_code == 303, forged
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value)
    assert client.get("/").status_code == 200


def test_login_without_the_forms_csrf_value_is_refused(web) -> None:
    client, _, _ = web
    client.get("/login")
    response = client.post("/login", data={"csrf": "guessed", "token": TOKEN_A})
    assert response.status_code == 400 and SESSION_COOKIE not in response.headers.get("set-cookie", "")
    client.cookies.clear()
    assert client.post("/login", data={"csrf": "x", "token": TOKEN_A}).status_code == 400  # no form cookie at all (a cross-site post)


def test_a_wrong_token_says_so(web) -> None:
    client, _, _ = web
    form = client.get("/login")
    response = client.post("/login", data={"csrf": csrf_of(form.text), "token": "c" * 24, "next": "/results"})
    assert response.status_code == 401 and "not valid" in response.text
    assert 'name="next" value="/results"' in response.text  # a second try still lands where the first was going


def test_guessing_tokens_is_throttled_per_address(web) -> None:
    client, _, _ = web
    for _ in range(10):
        form = client.get("/login")
        assert client.post("/login", data={"csrf": csrf_of(form.text), "token": "g" * 24}).status_code == 401
    form = client.get("/login")
    blocked = client.post("/login", data={"csrf": csrf_of(form.text), "token": TOKEN_A})  # even the right token, for a while
    assert blocked.status_code == 429 and "Too many" in blocked.text and SESSION_COOKIE not in blocked.headers.get("set-cookie", "")


def test_sign_in_throttle_forgets_after_its_window() -> None:
    throttle = SignInThrottle(limit=2, window_s=60)
    throttle.refuse("1.2.3.4", now=100)
    throttle.refuse("1.2.3.4", now=110)
    assert throttle.blocked("1.2.3.4", now=120) and not throttle.blocked("5.6.7.8", now=120)
    assert not throttle.blocked("1.2.3.4", now=171)


def test_sign_out_needs_the_pages_csrf_value(web) -> None:
    client, _, _ = web
    sign_in(client)
    assert client.post("/logout", data={"csrf": "nope"}).status_code == 400
    page = client.get("/")
    assert client.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    assert SESSION_COOKIE not in client.cookies or not client.cookies.get(SESSION_COOKIE)


def test_filters_and_pages(web) -> None:
    client, mine, _ = web
    headers = {"authorization": f"Bearer {TOKEN_A}"}
    hype = client.get("/results?tool=hype_score", headers=headers)
    assert "3 results" in hype.text and mine[0] in hype.text and mine[1] not in hype.text
    day = client.get("/results?since=2026-11-19&until=2026-11-19", headers=headers)
    assert "1 result " in day.text and mine[1] in day.text
    bad = client.get("/results?since=yesterday", headers=headers)
    assert bad.status_code == 400 and "since" in bad.text


def test_result_page_and_downloads(web) -> None:
    client, mine, _ = web
    headers = {"authorization": f"Bearer {TOKEN_A}"}
    page = client.get(f"/results/{mine[0]}", headers=headers)
    assert page.status_code == 200 and "Hype: Stanley" in page.text and f"/results/{mine[0]}/charts/0" in page.text
    chart = client.get(f"/results/{mine[0]}/charts/0", headers=headers)
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
    assert client.get(f"/results/{mine[0]}/charts/5", headers=headers).status_code == 404
    pdf = client.get(f"/results/{mine[0]}/export/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and "attachment" in pdf.headers["content-disposition"]
    data = client.get(f"/results/{mine[0]}/export/json", headers=headers)
    assert data.json()["result_id"] == mine[0]
    csv = client.get(f"/results/{mine[0]}/export/csv", headers=headers)
    assert csv.status_code == 200 and b"score" in (csv.content if csv.headers["content-type"].startswith("text/csv") else zipfile.ZipFile(io.BytesIO(csv.content)).read(
        zipfile.ZipFile(io.BytesIO(csv.content)).namelist()[0]))
    assert client.get(f"/results/{mine[0]}/export/exe", headers=headers).status_code == 404


def test_a_chart_path_outside_the_chart_folder_is_never_served(web, settings: Settings, tenants) -> None:
    from memory.db import session_scope
    from memory.tables import StoredResult

    client, mine, _ = web
    with session_scope(settings) as s:
        row = s.get(StoredResult, mine[0])
        row.output = {**row.output, "charts": [{"path": "/etc/passwd", "title": "x"}]}
        s.add(row)
    assert client.get(f"/results/{mine[0]}/charts/0", headers={"authorization": f"Bearer {TOKEN_A}"}).status_code == 404


def test_tokens_config_errors_name_the_entry_not_the_token() -> None:
    with pytest.raises(WebTokensError, match="entry 2") as short:
        parse_tokens(f"{TOKEN_A}=slack:T1,tiny=slack:T2")
    assert "tiny" not in str(short.value)
    with pytest.raises(WebTokensError, match="slack:T0123"):
        parse_tokens(f"{TOKEN_A}=nobody")
    with pytest.raises(WebTokensError, match="CAESER_WEB_TOKENS"):
        WebAuth("")


def test_next_only_leads_within_the_site() -> None:
    assert safe_next("/results?tool=x") == "/results?tool=x"
    assert safe_next("//evil.example/x") == "/" and safe_next("https://evil.example") == "/" and safe_next(None) == "/"


def test_changes_are_refused_unless_the_dashboard_allows_them(web, settings: Settings, tenants) -> None:
    from memory.watches import get_watches

    client, _, _ = web
    sign_in(client)
    watch = get_watches(settings, tenants[0])[0]
    response = client.post(f"/watches/{watch.id}/remove", data={"csrf": csrf_of(client.get("/").text)})
    assert response.status_code == 403 and "read-only" in response.text
    assert get_watches(settings, tenants[0]) and "Stop watching" not in client.get("/").text


def test_with_changes_allowed_an_owner_stops_a_watch_and_pauses_a_schedule(settings: Settings, tenants) -> None:
    from memory.schedules import list_schedules
    from memory.watches import get_watches

    a, b = tenants
    seed(settings, a, results=1)
    seed(settings, b, subject="delta", display="Delta", results=1)
    s = settings.model_copy(update={"web_tokens": SecretStr(f"{TOKEN_A}={a.key},{TOKEN_B}={b.key}")})
    with TestClient(build_app(s, allow_changes=True), follow_redirects=False) as client:
        sign_in(client)
        home = client.get("/").text
        csrf = csrf_of(home)
        assert "Stop watching" in home and "Pause" in home
        theirs = get_watches(settings, b)[0]
        assert client.post(f"/watches/{theirs.id}/remove", data={"csrf": csrf}).status_code == 404  # another owner's watch
        mine = get_watches(settings, a)[0]
        assert client.post(f"/watches/{mine.id}/remove", data={"csrf": "forged"}).status_code == 400
        assert client.post(f"/watches/{mine.id}/remove", data={"csrf": csrf}).status_code == 303
        schedule = list_schedules(settings, a)[0]
        assert client.post(f"/schedules/{schedule.id}/pause", data={"csrf": csrf}).status_code == 303
        assert get_watches(settings, a) == [] and list_schedules(settings, a)[0].paused
        assert get_watches(settings, b) and not list_schedules(settings, b)[0].paused
        assert "Resume" in client.get("/").text
        assert client.post(f"/schedules/{schedule.id}/resume", data={"csrf": csrf}).status_code == 303 and not list_schedules(settings, a)[0].paused
        client.cookies.clear()  # a bearer token reads; changes need a signed-in browser session and its form
        assert client.post(f"/schedules/{schedule.id}/pause", data={"csrf": csrf}, headers={"authorization": f"Bearer {TOKEN_A}"}).status_code == 401
