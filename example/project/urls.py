from django.contrib import admin
from django.urls import path
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
    TokenVerifyView,
    TokenViewBase,
)

from api.views import MeView, StatelessMeView

try:  # djangorestframework-simplejwt-rs; upstream has no JWKS endpoint
    from rest_framework_simplejwt.views import JWKSView
except ImportError:
    JWKSView = None

# With djangorestframework-simplejwt-rs the settings switch cookies on
# (AUTH_COOKIE): these header-mode URLs keep to the JSON body, the
# api/cookie/ ones below use the cookies. Upstream has neither.
COOKIES = hasattr(TokenViewBase, "use_cookies")
BODY = {"use_cookies": False} if COOKIES else {}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/token/", TokenObtainPairView.as_view(**BODY), name="token_obtain_pair"),
    path("api/token/refresh/", TokenRefreshView.as_view(**BODY), name="token_refresh"),
    path("api/token/verify/", TokenVerifyView.as_view(), name="token_verify"),
    path(
        "api/token/blacklist/",
        TokenBlacklistView.as_view(**BODY),
        name="token_blacklist",
    ),
    path("api/me/", MeView.as_view(), name="me"),
    path("api/me/stateless/", StatelessMeView.as_view(), name="me_stateless"),
]
if JWKSView is not None:
    # The public keys, for services that verify through JWK_URL.
    urlpatterns.append(path(".well-known/jwks.json", JWKSView.as_view(), name="jwks"))

if COOKIES:
    from api.cookie_views import CookieMeView, page

    urlpatterns += [
        path("app/", page, name="app"),
        path("app/<str:name>", page, name="app_file"),
        path("api/cookie/token/", TokenObtainPairView.as_view(), name="cookie_obtain"),
        path(
            "api/cookie/token/refresh/",
            TokenRefreshView.as_view(),
            name="cookie_refresh",
        ),
        path(
            "api/cookie/token/blacklist/",
            TokenBlacklistView.as_view(),
            name="cookie_logout",
        ),
        path("api/cookie/me/", CookieMeView.as_view(), name="cookie_me"),
    ]
