"""Analytics on the web app: the product-link redirect (/go/<token>), the shop's orders API (/api/orders)
and the sales dashboard (/console/dashboard, behind the console's sign-in: an agent account or the service
token, bot/web/auth.py; docs/analytics.md). It lives under /console because the agent's session cookie is scoped
to that path; /dashboard forwards there."""

from __future__ import annotations

import asyncio
import hmac
import io
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from aiohttp import web

from analytics.experiment_report import experiment_report
from analytics.experiments import ExperimentError, load_experiments
from analytics.funnel import STAGES, Funnel, build_funnel
from analytics.orders import CLICK_PARAMETER, OrderError, parse_order, record_order
from analytics.profiles import segments, write_profiles_csv, write_segments_csv
from analytics.store import SalesEvent, open_analytics
from bot.web.auth import audit, signed_in
from bot.web.rasa_api import SETTINGS

HERE = Path(__file__).parent
STATIC = HERE / "static"
CHART_JS = HERE / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"
MAX_ORDERS_PER_REQUEST = 1000


def with_click(url: str, token: str) -> str:
    """The product URL with the click token, so the shop can report it back with the order."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CLICK_PARAMETER]
    return urlunsplit(parts._replace(query=urlencode([*query, (CLICK_PARAMETER, token)])))


async def go(request: web.Request) -> web.StreamResponse:
    """Records the click and forwards to the product page. Only stored links forward (no open redirect)."""
    token = request.match_info["token"]
    store = open_analytics(request.app[SETTINGS])
    link = await asyncio.to_thread(store.link, token)
    if link is None:
        raise web.HTTPNotFound(text="This link is unknown or has expired.")
    sender, sku, url = link
    variants = (await asyncio.to_thread(store.assignments, sender)).get(sender, {})
    event = SalesEvent(f"link_clicked:{token}:{uuid.uuid4().hex}", sender, "link_clicked", variants, [sku])
    await asyncio.to_thread(store.record, event)
    raise web.HTTPFound(with_click(url, token))


async def orders_api(request: web.Request) -> web.Response:
    """POST one order or a list of orders (fields: analytics/orders.py). Every order is checked before any is
    stored; an order id reported before is left as it was and answered with "added": false."""
    settings = request.app[SETTINGS]
    if not settings.orders_token:
        raise web.HTTPServiceUnavailable(text="the orders API is off: set SALESBOT_ORDERS_TOKEN")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(sent.encode(), settings.orders_token.encode()):
        raise web.HTTPUnauthorized(text="send the orders token as 'Authorization: Bearer <SALESBOT_ORDERS_TOKEN>'")
    try:
        body = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text="send JSON: one order object or a list of them") from exc
    raw = body if isinstance(body, list) else [body]
    if len(raw) > MAX_ORDERS_PER_REQUEST:
        raise web.HTTPRequestEntityTooLarge(MAX_ORDERS_PER_REQUEST, len(raw), text="at most 1000 orders per request")
    try:
        parsed = [parse_order(item, f"order {i}" if isinstance(body, list) else "order") for i, item in enumerate(raw)]
    except OrderError as exc:
        raise web.HTTPBadRequest(text=f"nothing was stored: {exc}") from exc
    store = open_analytics(settings)
    results = []
    for order in parsed:
        added, matched_by = await asyncio.to_thread(record_order, store, order)
        results.append({"order_id": order.order_id, "added": added, "matched_by": matched_by})
    return web.json_response({"orders": results})


def _since(request: web.Request) -> datetime | None:
    raw = request.query.get("since", "").strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=UTC)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=f"since={raw!r}: use a date like 2026-12-01") from exc


def report_json(funnel: Funnel, experiments: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "stages": list(STAGES),
        "funnel": funnel.counts(),
        "by_day": funnel.by("day"),
        "by_channel": funnel.by("channel"),
        "by_variant": funnel.by("variant"),
        "revenue": funnel.revenue,
        "attributed": funnel.attributed,
        "orders": funnel.orders,
        "rates": funnel.rates(),
        "unanswered": funnel.unanswered,
        "not_sold": funnel.not_sold,
        "segments": [
            {**asdict(s), "lead_rate": s.lead_rate, "purchase_rate": s.purchase_rate} for s in segments(funnel)
        ],
        "experiments": experiments,
    }


def _experiments(request: web.Request) -> list[dict[str, Any]]:
    settings = request.app[SETTINGS]
    if not settings.experiments_file:
        return []
    try:
        defined = load_experiments(Path(settings.experiments_file))
    except ExperimentError as exc:
        return [{"error": str(exc)}]
    store = open_analytics(settings)
    found = []
    for experiment in defined:
        report = experiment_report(store, experiment)
        found.append({
            "name": experiment.name,
            "conversion": experiment.conversion,
            "planned": report.planned,
            "verdict": report.verdict,
            "variants": [{"name": v.name, "customers": v.rate.exposed, "converted": v.rate.converted,
                          "rate": v.rate.rate, "p_value": v.difference.p_value if v.difference else None}
                         for v in report.variants],
        })  # fmt: skip
    return found


async def report(request: web.Request) -> web.Response:
    await signed_in(request, change=False)
    since = _since(request)
    funnel = await asyncio.to_thread(build_funnel, open_analytics(request.app[SETTINGS]), since)
    experiments = await asyncio.to_thread(_experiments, request)
    return web.json_response(report_json(funnel, experiments))


async def export_csv(request: web.Request) -> web.Response:
    """Customer profiles or segments as CSV; the profiles hold e-mails, so their export goes to the audit log."""
    agent = await signed_in(request, change=False)
    funnel = await asyncio.to_thread(build_funnel, open_analytics(request.app[SETTINGS]), _since(request))
    out = io.StringIO()
    what = request.match_info["what"]
    if what == "profiles":
        write_profiles_csv(out, funnel)
        await audit(request, agent, "export", detail={"what": "customer profiles (dashboard)"})
    else:
        write_segments_csv(out, segments(funnel))
    headers = {"Content-Disposition": f'attachment; filename="salesbot-{what}.csv"'}
    return web.Response(text=out.getvalue(), content_type="text/csv", headers=headers)


async def page(request: web.Request) -> web.StreamResponse:
    """The page needs a signed-in agent (else it forwards to the console's sign-in); its scripts are public."""
    name = request.match_info.get("asset", "dashboard.html")
    if name == "dashboard.html":
        try:
            await signed_in(request, change=False)
        except web.HTTPUnauthorized as exc:
            raise web.HTTPFound("/console") from exc
    files = {
        "dashboard.html": (STATIC / "dashboard.html", "text/html"),
        "dashboard.js": (STATIC / "dashboard.js", "text/javascript"),
        "chart.umd.min.js": (CHART_JS, "text/javascript"),
    }
    if name not in files:
        raise web.HTTPNotFound()
    path, kind = files[name]
    return web.FileResponse(path, headers={"Content-Type": f"{kind}; charset=utf-8"})


async def moved(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/console/dashboard")


def add_routes(app: web.Application) -> None:
    """Before the console's routes: its /console/{asset} would otherwise take /console/dashboard."""
    app.router.add_get("/go/{token}", go)
    app.router.add_post("/api/orders", orders_api)
    app.router.add_get("/dashboard", moved)
    app.router.add_get("/console/dashboard", page)
    app.router.add_get("/console/dashboard/{asset}", page)
    app.router.add_get("/console/api/dashboard/report", report)
    app.router.add_get("/console/api/dashboard/{what:profiles|segments}.csv", export_csv)
