"""The client address login throttling counts failures by (with the username)."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with `ZIT_PROXY_COUNT=N` reverse proxies in front, the address the
    outermost of them saw (the N-th entry of X-Forwarded-For from the right): entries
    further left are written by the client and cannot be trusted. None when there is no
    valid address (a request built in code, as `force_login` does): axes stores NULL, and
    PostgreSQL's inet column never sees a non-address."""
    count = getattr(settings, "ZIT_PROXY_COUNT", 0)
    if count > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count and (address := _valid(hops[-count])):
            return address
    return _valid(request.META.get("REMOTE_ADDR"))


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets: HTTP 429, in the site's layout and language."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/lockout.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
