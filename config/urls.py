"""Top-level URL map."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import errors

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switch in every page's header, the login page included: a visitor who is
    # not logged in must be able to read the login form in English. POST only (the middleware
    # checks its CSRF token); it changes a cookie, nothing else, and goes back to `next`.
    path("i18n/setlang/", login_not_required(require_POST(set_language)), name="set_language"),
    path("", include("projects.urls")),
    path("", include("articles.record_urls")),
    path("zones/", include("projects.zone_urls")),
    path("bulletins/", include("articles.urls")),
]

handler500 = errors.server_error
