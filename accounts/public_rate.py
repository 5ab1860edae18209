"""A rate limit on the heavy pages for anonymous visitors (`ZIT_PUBLIC_READ_ONLY=1`).

Why: the public could run full exports and the follow-through page as often as it liked, each
holding a web worker for seconds (issue 15, item 13). An address — the one login throttling
counts by (`accounts.throttle.client_ip`, proxies included) — gets PUBLIC_HEAVY_LIMIT heavy
requests per PUBLIC_HEAVY_WINDOW seconds, counted in Django's cache (a fixed window), then a
429 page saying when to come back. Signed-in users are never limited.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from .access import is_public
from .throttle import client_ip

KEY = "zit:public-heavy:{address}"


def over_limit(request) -> bool:
    """Count this request against its address; True when the window's limit is passed."""
    key = KEY.format(address=client_ip(request) or "unknown")
    cache.add(key, 0, timeout=settings.PUBLIC_HEAVY_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=settings.PUBLIC_HEAVY_WINDOW)
        count = 1
    return count > settings.PUBLIC_HEAVY_LIMIT


def too_many(request):
    minutes = max(1, settings.PUBLIC_HEAVY_WINDOW // 60)
    response = render(request, "errors/rate_limited.html",
                      {"minutes": minutes, "limit": settings.PUBLIC_HEAVY_LIMIT}, status=429)
    response["Retry-After"] = str(settings.PUBLIC_HEAVY_WINDOW)
    return response


def heavy_for_public(view):
    """Mark a heavy view: anonymous visitors are rate-limited on it (signed-in users never)."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        if is_public(request) and over_limit(request):
            return too_many(request)
        return view(request, *args, **kwargs)

    return limited
