"""Login required everywhere, unless a setting opens the read-only pages to anonymous visitors."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware


def public_read_only(view):
    """Mark a read-only view that `ZIT_PUBLIC_READ_ONLY=1` may open to anonymous visitors."""
    view.public_read_only = True
    return view


class LoginRequiredUnlessPublicMiddleware(LoginRequiredMiddleware):
    """Django's login-required middleware, relaxed for GETs of views marked public_read_only."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            settings.PUBLIC_READ_ONLY
            and request.method in ("GET", "HEAD")
            and getattr(view_func, "public_read_only", False)
        ):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


def is_public(request) -> bool:
    """An anonymous visitor (on a view `ZIT_PUBLIC_READ_ONLY=1` opened): confirmed records only.
    A request built in code without a user (None) is not the public."""
    user = getattr(request, "user", None) if request is not None else None
    return user is not None and not user.is_authenticated
