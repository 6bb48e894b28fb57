"""The web app's abuse limits and security headers, as two aiohttp middlewares (`middlewares()`):

- every response gets a Content-Security-Policy (scripts from this app only; the browser may connect to
  this app and to Rasa's socket.io), X-Content-Type-Options, X-Frame-Options and a Referrer-Policy;
- the API routes (the widget's history, the agent console's) are rate-limited per client address
  (SALESBOT_RATE_LIMIT_WEB; behind SALESBOT_TRUSTED_PROXIES the address their X-Forwarded-For names).
  Pages and static files are not: they cost nothing and a page view loads several.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot.web.widget import socket_url
from config.settings import Settings
from throttle.limits import Rate, RateLimiter, client_address, parse_proxies

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LIMITED_PREFIXES = ("/api/", "/console/api/")
TOO_MANY_REQUESTS = "Too many requests from your address. Please wait {seconds} seconds and try again."
SAME_FOR_EVERY_RESPONSE = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def content_security_policy(request: web.Request) -> str:
    """Inline styles are allowed (the demo page has some), inline scripts are not; product pictures may
    come from any https host (the catalogue's image URLs)."""
    rasa = urlsplit(socket_url(request))
    websocket = f"{'wss' if rasa.scheme == 'https' else 'ws'}://{rasa.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
        f"connect-src 'self' {rasa.scheme}://{rasa.netloc} {websocket}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def _secure(request: web.Request, response: web.StreamResponse | web.HTTPException) -> None:
    response.headers.update(SAME_FOR_EVERY_RESPONSE)
    response.headers["Content-Security-Policy"] = content_security_policy(request)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _secure(request, exc)
        raise
    _secure(request, response)
    return response


def rate_limit(settings: Settings) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    rate = Rate.parse(settings.rate_limit_web, "SALESBOT_RATE_LIMIT_WEB")
    limiter = RateLimiter(rate) if rate else None
    proxies = parse_proxies(settings.trusted_proxies, "SALESBOT_TRUSTED_PROXIES")

    @web.middleware
    async def limited(request: web.Request, handler: Handler) -> web.StreamResponse:
        if limiter is None or not request.path.startswith(LIMITED_PREFIXES):
            return await handler(request)
        address = client_address(request.remote or "", request.headers.get("X-Forwarded-For", ""), proxies)
        wait = limiter.wait(address)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise web.HTTPTooManyRequests(
                text=TOO_MANY_REQUESTS.format(seconds=seconds), headers={"Retry-After": str(seconds)}
            )
        return await handler(request)

    return limited


def middlewares(settings: Settings) -> list[Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]]:
    """Outermost first: the headers go on every response, the 429s included."""
    return [security_headers, rate_limit(settings)]
