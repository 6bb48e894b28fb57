"""Who is calling the agent console: an agent signed in with their own account (a cookie session), or a
script with the service token.

- **People** sign in at `/console` with their name and password (`salesbot agents add`). The session token
  travels in an HttpOnly, SameSite=Strict cookie scoped to /console; it ends after
  SALESBOT_AGENT_SESSION_HOURS or at sign-out. Every request that changes something must also send the
  session's CSRF token as `X-CSRF-Token` (a page on another site cannot read it), and an `Origin` header, when
  the browser sends one, must be this web app's own.
- **Scripts** (machine to machine) send `Authorization: Bearer <SALESBOT_AGENT_TOKEN>` and `X-Agent-Name`;
  no cookie, so no CSRF check. They act for the web app's own shop (SALESBOT_SHOP). Empty token: refused.

An agent sees only the hand-offs of their shop. Sign-ins, failed sign-ins and sign-outs go to the audit log.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from aiohttp import web

from bot.web.rasa_api import SETTINGS
from config.privacy_wiring import agent_accounts, audit_log
from privacy.accounts import NAME, Accounts, Session
from privacy.audit import AuditLog

COOKIE = "salesbot_agent_session"
ACCOUNTS = web.AppKey("accounts", Accounts)
AUDIT = web.AppKey("audit", AuditLog)


@dataclass(frozen=True)
class Agent:
    name: str
    shop: str
    via: str  # "password" (a signed-in person) or "service_token" (a script)


def setup(app: web.Application) -> None:
    settings = app[SETTINGS]
    app[ACCOUNTS] = agent_accounts(settings)
    app[AUDIT] = audit_log(settings)


async def audit(request: web.Request, agent: Agent, action: str, **what: object) -> None:
    await asyncio.to_thread(request.app[AUDIT].record, agent.name, agent.via, action, shop=agent.shop, **what)


def _same_origin(request: web.Request) -> None:
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc != request.host:
        raise web.HTTPForbidden(text=f"cross-site request refused (Origin {origin})")


def _service(request: web.Request) -> Agent:
    settings = request.app[SETTINGS]
    sent = request.headers["Authorization"].removeprefix("Bearer ").strip()
    if not settings.agent_token or not hmac.compare_digest(sent.encode(), settings.agent_token.encode()):
        raise web.HTTPUnauthorized(text="wrong service token (SALESBOT_AGENT_TOKEN); people sign in at /console")
    name = request.headers.get("X-Agent-Name", "").strip() or "service"
    if not NAME.fullmatch(name):
        raise web.HTTPBadRequest(text="X-Agent-Name: up to 100 letters, digits, spaces, . @ _ or -")
    return Agent(name, settings.shop, "service_token")


async def signed_in(request: web.Request, *, change: bool) -> Agent:
    """The caller, or 401; with `change`, a cookie session must also pass the CSRF and origin checks (403)."""
    if "Authorization" in request.headers:
        return _service(request)
    token = request.cookies.get(COOKIE, "")
    session = await asyncio.to_thread(request.app[ACCOUNTS].session, token) if token else None
    if session is None:
        raise web.HTTPUnauthorized(text="not signed in, or the session ended: sign in again")
    if change:
        _same_origin(request)
        sent = request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise web.HTTPForbidden(text="missing or wrong X-CSRF-Token: reload the console")
    return Agent(session.agent, session.shop, "password")


async def sign_in(request: web.Request) -> web.Response:
    _same_origin(request)
    try:
        body = await request.json()
        name, password = str(body["name"]).strip(), str(body["password"])
    except (ValueError, KeyError, TypeError) as exc:
        raise web.HTTPBadRequest(text='send JSON {"name": "…", "password": "…"}') from exc
    settings = request.app[SETTINGS]
    lifetime = timedelta(hours=settings.agent_session_hours)
    new = await asyncio.to_thread(request.app[ACCOUNTS].sign_in, name, password, lifetime)
    if new is None:
        if NAME.fullmatch(name):
            await audit(request, Agent(name, settings.shop, "password"), "sign_in_failed")
        raise web.HTTPUnauthorized(text="wrong name or password")
    session = new.session
    await audit(request, Agent(session.agent, session.shop, "password"), "sign_in")
    response = web.json_response(_session_json(session))
    response.set_cookie(
        COOKIE, new.token, max_age=int(lifetime.total_seconds()), path="/console", httponly=True,
        samesite="Strict", secure=request.secure,
    )  # fmt: skip
    return response


async def show_session(request: web.Request) -> web.Response:
    """The signed-in agent and the CSRF token, for a reloaded console page."""
    token = request.cookies.get(COOKIE, "")
    session = await asyncio.to_thread(request.app[ACCOUNTS].session, token) if token else None
    if session is None:
        raise web.HTTPUnauthorized(text="not signed in")
    return web.json_response(_session_json(session))


def _session_json(session: Session) -> dict[str, str]:
    return {"agent": session.agent, "shop": session.shop, "csrf_token": session.csrf_token,
            "expires_at": session.expires_at.isoformat()}  # fmt: skip


async def end_session(request: web.Request, response: web.StreamResponse) -> None:
    """Ends the cookie session, if the request has one."""
    token = request.cookies.get(COOKIE)
    if token:
        await asyncio.to_thread(request.app[ACCOUNTS].sign_out, token)
        response.del_cookie(COOKIE, path="/console")
