"""`caeser serve web`: the dashboard, a small server-rendered Starlette app (Jinja2, no JavaScript).

Pages: the overview (watches, alerts, schedules, recent results), the results browser (filters by
tool and day, pages of 20), a result (summary, charts, tables, downloads as PDF, CSV or JSON made
by the export code, tools/reports/export.py). Every page reads through memory/dashboard.py and
memory/results.py with the signed-in owner, so no page can show another tenant's things; a
request that is not signed in gets the sign-in page and never data (bots/web/auth.py). The app is
read-only unless started with `--allow-changes`, which adds "Stop watching" to watches and
"Pause"/"Resume" to schedules (POST forms carrying the page's CSRF value).
"""
from __future__ import annotations

import argparse
import io
import logging
import sys
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bots.web import pages
from bots.web.auth import CSRF_COOKIE, SESSION_COOKIE, SESSION_S, SignInThrottle, WebAuth, WebTokensError, login_csrf_ok, new_login_csrf
from memory.dashboard import ResultFilter, browse_results, overview, result_card
from memory.owner import Owner
from memory.results import get_result
from memory.settings import Settings, get_settings
from tools.formatting import tool_title

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).with_name("templates")
EXPORT_FORMATS = ("pdf", "csv", "json")
MEDIA = {"pdf": "application/pdf", "json": "application/json", "csv": "text/csv; charset=utf-8"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(result_title=pages.card_title, tool_title=tool_title, spark_points=pages.spark_points, threshold_y=pages.threshold_y,
                       spark_w=pages.SPARK_W, spark_h=pages.SPARK_H, export_formats=EXPORT_FORMATS)
    env.filters["when"] = lambda moment: moment.strftime("%d %b %Y %H:%M UTC") if moment else "–"
    return env


class Dashboard:
    """The routes, with the settings, the sign-in configuration and the templates they share.
    Pages that read the database are plain functions, which Starlette runs in its thread pool:
    a slow query never holds up the event loop, and so every other request."""

    def __init__(self, settings: Settings, auth: WebAuth, allow_changes: bool = False) -> None:
        self.settings, self.auth, self.env, self.allow_changes = settings, auth, environment(), allow_changes
        self.throttle = SignInThrottle()

    # --- plumbing ---------------------------------------------------------------------------

    def page(self, name: str, request: Request, status: int = 200, **values: Any) -> HTMLResponse:
        session = request.cookies.get(SESSION_COOKIE)
        html = self.env.get_template(name).render(request_path=request.url.path, csrf=self.auth.page_csrf(session) if session else "", allow_changes=self.allow_changes,
                                                  **values)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def owner(self, request: Request) -> Owner | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            return self.auth.owner_of_token(token)
        return self.auth.owner_of_session(request.cookies.get(SESSION_COOKIE))

    def sign_in_first(self, request: Request) -> Response:
        """Not signed in: the sign-in page (a redirect for browsers, 401 for scripts), never data."""
        if "authorization" in request.headers or "application/json" in request.headers.get("accept", ""):
            return PlainTextResponse("sign in: Authorization: Bearer <token from CAESER_WEB_TOKENS>", status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)

    def not_found(self, request: Request, owner: Owner, what: str) -> HTMLResponse:
        return self.page("error.html", request, status=404, owner=owner, message=what)

    # --- sign in and out --------------------------------------------------------------------

    async def login_form(self, request: Request, error: str | None = None, status: int = 200, next_path: str | None = None) -> Response:
        csrf = new_login_csrf()
        response = self.page("login.html", request, status=status, login_csrf=csrf, error=error, next=safe_next(next_path or request.query_params.get("next")))
        response.set_cookie(CSRF_COOKIE, csrf, max_age=3600, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/login")
        return response

    async def login(self, request: Request) -> Response:
        form = await request.form()
        next_path = str(form.get("next") or "")
        if not login_csrf_ok(request.cookies.get(CSRF_COOKIE), str(form.get("csrf") or "")):
            return await self.login_form(request, "Your sign-in form expired; please try again.", status=400, next_path=next_path)
        client = request.client.host if request.client else "?"
        if self.throttle.blocked(client):
            return await self.login_form(request, "Too many refused sign-ins from here; wait ten minutes and try again.", status=429, next_path=next_path)
        token = str(form.get("token") or "")
        owner = self.auth.owner_of_token(token)
        if owner is None:
            self.throttle.refuse(client)
            log.info("dashboard sign-in refused from %s", client)
            return await self.login_form(request, "That token is not valid for this dashboard.", status=401, next_path=next_path)
        response = RedirectResponse(safe_next(next_path), status_code=303)
        response.set_cookie(SESSION_COOKIE, self.auth.session_for(token), max_age=SESSION_S, httponly=True, samesite="lax", secure=request.url.scheme == "https")
        response.delete_cookie(CSRF_COOKIE, path="/login")
        return response

    async def logout(self, request: Request) -> Response:
        form = await request.form()
        if not self.auth.page_csrf_ok(request.cookies.get(SESSION_COOKIE), str(form.get("csrf") or "")):
            return PlainTextResponse("sign-out refused: the form did not come from this dashboard", status_code=400)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # --- pages ------------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        owner = self.owner(request)
        if owner is None:
            return self.sign_in_first(request)
        return self.page("overview.html", request, owner=owner, view=overview(self.settings, owner, results=8))

    def results(self, request: Request) -> Response:
        owner = self.owner(request)
        if owner is None:
            return self.sign_in_first(request)
        query = {k: v for k, v in request.query_params.items() if k in ("tool", "since", "until", "page") and v}
        try:
            wanted = ResultFilter.model_validate(query)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            return self.page("results.html", request, status=400, owner=owner, error=f"Check the filters ({problems}).", page=None, query=query, wanted=None)
        found = browse_results(self.settings, owner, wanted)
        return self.page("results.html", request, owner=owner, page=found, query=query, wanted=wanted, error=None,
                         link=lambda n: "/results?" + urlencode({**query, "page": n}))

    def result(self, request: Request) -> Response:
        owner = self.owner(request)
        if owner is None:
            return self.sign_in_first(request)
        stored = get_result(self.settings, request.path_params["result_id"], owner)
        if stored is None:
            return self.not_found(request, owner, "There is no such result here.")
        return self.page("result.html", request, owner=owner, card=result_card(stored), tables=pages.tables_of(stored), caption=pages.caption(stored.tool),
                         info=pages.sources(stored))

    def chart(self, request: Request) -> Response:
        owner = self.owner(request)
        if owner is None:
            return self.sign_in_first(request)
        stored = get_result(self.settings, request.path_params["result_id"], owner)
        charts = result_card(stored).charts if stored else []
        n = request.path_params["n"]
        path = Path(charts[n].path).resolve() if n < len(charts) else None
        # only files under the chart folder: a stored path never leads elsewhere on the disk
        if path is None or not path.is_file() or not path.is_relative_to(self.settings.charts_dir.resolve()):
            return PlainTextResponse("no such chart", status_code=404)
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})

    def export(self, request: Request) -> Response:
        owner = self.owner(request)
        if owner is None:
            return self.sign_in_first(request)
        fmt = request.path_params["fmt"]
        stored = get_result(self.settings, request.path_params["result_id"], owner)
        if stored is None or fmt not in EXPORT_FORMATS:
            return PlainTextResponse("no such export", status_code=404)
        from tools.reports.export import export_files  # the export code (and its PDF backend) loads on the first download

        files = [Path(f) for f in export_files(stored, fmt, self.settings.exports_dir / owner.slug)]
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
        if len(files) == 1:
            return FileResponse(files[0], media_type=MEDIA[fmt], filename=files[0].name, headers=headers)
        archive = io.BytesIO()  # a CSV export with several tables: one zip
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, f.name)
        headers["Content-Disposition"] = f'attachment; filename="{stored.result_id}-csv.zip"'
        return Response(archive.getvalue(), media_type="application/zip", headers=headers)

    # --- changes (only with --allow-changes) -------------------------------------------------

    async def change(self, request: Request) -> Response:
        """Stop watching, pause or resume: the signed-in owner's own watch or schedule, from a form
        of this dashboard, then back to the overview."""
        owner = self.auth.owner_of_session(request.cookies.get(SESSION_COOKIE))
        if owner is None:
            return self.sign_in_first(request)
        if not self.allow_changes:
            return PlainTextResponse("this dashboard is read-only (start it with `caeser serve web --allow-changes`)", status_code=403)
        form = await request.form()
        if not self.auth.page_csrf_ok(request.cookies.get(SESSION_COOKIE), str(form.get("csrf") or "")):
            return PlainTextResponse("refused: the form did not come from this dashboard", status_code=400)
        return await run_in_threadpool(self.apply_change, request, owner)

    def apply_change(self, request: Request, owner: Owner) -> Response:
        kind, item, verb = request.path_params["kind"], request.path_params["item"], request.path_params["verb"]
        from memory.schedules import ScheduleNotFound, pause_schedule, resume_schedule
        from memory.watches import remove_watch_by_id

        try:
            if (kind, verb) == ("watches", "remove"):
                if remove_watch_by_id(self.settings, owner, item) is None:
                    raise ScheduleNotFound("no such watch")
            elif (kind, verb) in (("schedules", "pause"), ("schedules", "resume")):
                (pause_schedule if verb == "pause" else resume_schedule)(self.settings, owner, item)
            else:
                return PlainTextResponse("no such change", status_code=404)
        except ScheduleNotFound:
            return self.not_found(request, owner, f"There is no such {kind[:-1]} here.")
        log.info("dashboard change by %s: %s %s %s", owner.key, kind, item, verb)
        return RedirectResponse(f"/#{kind}", status_code=303)

    def health(self, _request: Request) -> Response:
        return PlainTextResponse("ok")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never `//evil.example` or a URL)."""
    return target if target and target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def build_app(settings: Settings, auth: WebAuth | None = None, *, allow_changes: bool = False) -> Starlette:
    """The dashboard app (read-only unless `allow_changes`). Raises WebTokensError when
    CAESER_WEB_TOKENS is missing or malformed."""
    d = Dashboard(settings, auth or WebAuth.from_settings(settings), allow_changes)
    return Starlette(routes=[
        Route("/", d.home),
        Route("/login", d.login_form, methods=["GET"]),
        Route("/login", d.login, methods=["POST"]),
        Route("/logout", d.logout, methods=["POST"]),
        Route("/results", d.results),
        Route("/results/{result_id}", d.result),
        Route("/results/{result_id}/charts/{n:int}", d.chart),
        Route("/results/{result_id}/export/{fmt}", d.export),
        Route("/{kind:str}/{item:int}/{verb:str}", d.change, methods=["POST"]),
        Route("/healthz", d.health),
    ])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1; put TLS in front before opening it up)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("--allow-changes", action="store_true", help="let signed-in people stop watches and pause/resume schedules (read-only without it)")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = build_app(get_settings(), allow_changes=args.allow_changes)
    except WebTokensError as exc:
        print(f"caeser serve web: {exc}", file=sys.stderr)
        return 2
    print(f"caeser dashboard on http://{args.host}:{args.port}/ (sign in with a token from CAESER_WEB_TOKENS)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False, proxy_headers=True)
    return 0

