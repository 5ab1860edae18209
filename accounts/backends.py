"""The django-axes lockout backend, tolerant of the one caller that has no request.

Every login the site offers (the login page, the admin login) passes the request to
`authenticate`, so axes checks and records it. `django.test.Client.login()` and a
`manage.py shell` call `authenticate(username=…, password=…)` without one; axes' own
backend raises for those. Here they are left to the next backend (ModelBackend) instead:
no HTTP client can reach that path, so nothing is unthrottled that an attacker can use.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class AxesLockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
