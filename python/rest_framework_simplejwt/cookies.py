"""HttpOnly cookies for the token views (opt-in, issue 14).

Nothing here runs unless ``SIMPLE_JWT["AUTH_COOKIE"]`` names the access
cookie: the views then set the tokens they hand out as cookies, read the
refresh (or sliding) token from its cookie when the request body has none,
and the blacklist view (logout) deletes both cookies. A view read from a
cookie goes through Django's CSRF check, as ``SessionAuthentication`` does,
because the browser sends cookies with cross-site requests too.

A view class (or ``as_view(use_cookies=False)``) can opt out, so one project
may serve header clients and cookie clients from different URLs.

Every setting is read at the call, never cached.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, get_resolver, reverse
from rest_framework import exceptions
from rest_framework.authentication import CSRFCheck
from rest_framework.request import Request
from rest_framework.response import Response

from .settings import api_settings

# What a view hands out under each key of its response, and how long the
# cookie holding it lives: (cookie name setting, lifetime setting).
_ISSUED = {
    "access": ("AUTH_COOKIE", "ACCESS_TOKEN_LIFETIME"),
    "refresh": ("AUTH_REFRESH_COOKIE", "REFRESH_TOKEN_LIFETIME"),
    # A sliding token is the access token; its cookie lives as long as the
    # token can still be refreshed.
    "token": ("AUTH_COOKIE", "SLIDING_TOKEN_REFRESH_LIFETIME"),
}


# Packages whose subclasses of our views set cookies of their own:
# dj-rest-auth's refresh view (a TokenRefreshView) sets its JWT_AUTH_COOKIE
# from the response body, so ours must neither set cookies there nor take the
# tokens out of that body. Their views follow ``use_cookies`` only if they set
# it themselves.
_OWN_COOKIE_PACKAGES = ("dj_rest_auth.",)


def _use_cookies(view_class: type, initkwargs: dict[str, Any]) -> bool | None:
    use = initkwargs.get("use_cookies", getattr(view_class, "use_cookies", None))
    if use is None and view_class.__module__.startswith(_OWN_COOKIE_PACKAGES):
        return False
    return use


def enabled(view: Any) -> bool:
    """Does this view use cookies? The view's ``use_cookies`` (None: follow
    the settings) and whether ``AUTH_COOKIE`` names a cookie."""
    use = _use_cookies(type(view), view.__dict__)
    if use is False:
        return False
    if api_settings.AUTH_COOKIE is None:
        if use:
            raise ImproperlyConfigured(
                "use_cookies=True needs SIMPLE_JWT['AUTH_COOKIE'] (the access "
                "cookie's name)."
            )
        return False
    return True


def enforce_csrf(request: Request | Any) -> None:
    """Django's CSRF check, as DRF's ``SessionAuthentication`` runs it: unsafe
    methods need the CSRF cookie and a matching ``X-CSRFToken`` header (or
    form field), and, over HTTPS, a same-origin or trusted Origin/Referer."""

    def no_response(request: Any) -> None:  # CSRFCheck never calls on
        return None

    check = CSRFCheck(no_response)
    # DRF's Request as SessionAuthentication passes it (its POST is the
    # parsed form, whoever read the body first), or a plain HttpRequest.
    # process_request puts the CSRF cookie's value in META, as the
    # middleware would.
    check.process_request(request)
    reason = check.process_view(request, None, (), {})
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


def _common_path(paths: list[str]) -> str:
    parts = [p.split("/")[:-1] for p in paths]
    common = parts[0]
    for other in parts[1:]:
        n = 0
        while n < min(len(common), len(other)) and common[n] == other[n]:
            n += 1
        common = common[:n]
    return "/".join(common) + "/" if len(common) > 1 else "/"


def refresh_cookie_path(request: Request | Any) -> str:
    """``AUTH_REFRESH_COOKIE_PATH``, or when it is None the longest path that
    covers every URL of the URLconf routed to a refresh or blacklist view
    with cookies on (so the browser sends the refresh token to those URLs
    only); "/" if none can be reversed (e.g. routes with arguments)."""
    configured = api_settings.AUTH_REFRESH_COOKIE_PATH
    if configured is not None:
        return configured
    from .views import TokenBlacklistView, TokenRefreshView

    urlconf = getattr(request, "urlconf", None)
    resolver = get_resolver(urlconf)
    paths = []
    for key in list(resolver.reverse_dict.keys()):
        view_class = getattr(key, "view_class", None)
        if not (
            isinstance(view_class, type)
            and issubclass(view_class, (TokenRefreshView, TokenBlacklistView))
        ):
            continue
        initkwargs = getattr(key, "view_initkwargs", None) or {}
        if _use_cookies(view_class, initkwargs) is False:
            continue
        try:
            paths.append(reverse(key, urlconf=urlconf))
        except NoReverseMatch:
            continue
    return _common_path(sorted(paths)) if paths else "/"


def _cookie_options() -> dict[str, Any]:
    return {
        "domain": api_settings.AUTH_COOKIE_DOMAIN,
        "samesite": api_settings.AUTH_COOKIE_SAMESITE,
    }


def token_from_cookie(view: Any, request: Request, data: Any) -> Any:
    """The data to validate: ``data`` itself, or a copy carrying the token
    from its cookie when the body has none (refresh, sliding refresh,
    logout). A token taken from a cookie needs the CSRF check to pass."""
    field = getattr(view, "_cookie_input", None)
    if field is None or not enabled(view):
        return data
    name = getattr(api_settings, _ISSUED[field][0])
    if not name:
        return data
    try:
        given = data.get(field)
    except AttributeError:  # a JSON body that is not an object
        return data
    if given not in (None, ""):
        return data
    value = request.COOKIES.get(name)
    if not value:
        return data
    enforce_csrf(request)
    data = data.copy()  # a QueryDict copy is mutable
    data[field] = value
    return data


def set_cookies(view: Any, request: Request, response: Response) -> None:
    """Put the tokens of a successful response into their cookies; take them
    out of the body unless ``AUTH_COOKIE_TOKENS_IN_BODY``. The blacklist view
    deletes the cookies instead."""
    if not enabled(view):
        return
    if getattr(view, "_cookie_logout", False):
        delete_cookies(request, response)
        return
    data = response.data
    if not isinstance(data, dict):
        return
    keep_in_body = api_settings.AUTH_COOKIE_TOKENS_IN_BODY
    options = _cookie_options()
    for key, (name_setting, lifetime_setting) in _ISSUED.items():
        name = getattr(api_settings, name_setting)
        token = data.get(key)
        if not name or not isinstance(token, str):
            continue
        lifetime = getattr(api_settings, lifetime_setting)
        response.set_cookie(
            name,
            token,
            max_age=int(lifetime.total_seconds()),
            path=(
                refresh_cookie_path(request)
                if key == "refresh"
                else api_settings.AUTH_COOKIE_PATH
            ),
            secure=api_settings.AUTH_COOKIE_SECURE,
            httponly=api_settings.AUTH_COOKIE_HTTP_ONLY,
            **options,
        )
        if not keep_in_body:
            del data[key]


def delete_cookies(request: Request, response: Response) -> None:
    """Expire both cookies, with the path and domain they were set with."""
    options = _cookie_options()
    access = api_settings.AUTH_COOKIE
    if access:
        response.delete_cookie(access, path=api_settings.AUTH_COOKIE_PATH, **options)
    refresh = api_settings.AUTH_REFRESH_COOKIE
    if refresh:
        response.delete_cookie(refresh, path=refresh_cookie_path(request), **options)


def csrf_needs_session() -> bool:
    """With CSRF_USE_SESSIONS the CSRF check reads the session (a query)."""
    return bool(getattr(django_settings, "CSRF_USE_SESSIONS", False))
