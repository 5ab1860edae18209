"""Error pages that still render when the request that failed cannot be trusted.

403, 404 and 400 use Django's own handlers and templates that extend base.html (navigation,
language switch, a way back). A 500 may come from a dead database or a broken session, so it
is rendered from a plain dictionary — no context processors, no user, no session, no URL
reversing — by a template that does not extend base.html. The CSRF failure page is the same
kind: Django renders it without a request context.
"""

from __future__ import annotations

import logging

from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static

log = logging.getLogger(__name__)


def _stylesheet() -> str:
    """The site stylesheet's URL, or none when static files themselves are what broke."""
    try:
        return static("css/app.css")
    except Exception:  # a missing manifest entry must not turn a 500 page into a bare one
        log.warning("error page rendered without a stylesheet", exc_info=True)
        return ""


def _render(template_name: str, context: dict) -> str:
    return loader.get_template(template_name).render({"stylesheet": _stylesheet(), **context})


def server_error(request, template_name: str = "500.html"):
    """handler500: the standalone 500 page."""
    return HttpResponseServerError(_render(template_name, {}))


def csrf_failure(request, reason: str = "", template_name: str = "403_csrf.html"):
    """CSRF_FAILURE_VIEW: say that the form expired and how to go on, not "CSRF verification failed"."""
    return HttpResponseForbidden(_render(template_name, {"reason": reason}))
