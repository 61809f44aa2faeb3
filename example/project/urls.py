from django.contrib import admin
from django.urls import path
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
    TokenVerifyView,
)

from api.views import MeView, StatelessMeView

try:  # djangorestframework-simplejwt-rs; upstream has no JWKS endpoint
    from rest_framework_simplejwt.views import JWKSView
except ImportError:
    JWKSView = None

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("api/token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("api/token/verify/", TokenVerifyView.as_view(), name="token_verify"),
    path("api/token/blacklist/", TokenBlacklistView.as_view(), name="token_blacklist"),
    path("api/me/", MeView.as_view(), name="me"),
    path("api/me/stateless/", StatelessMeView.as_view(), name="me_stateless"),
]
if JWKSView is not None:
    # The public keys, for services that verify through JWK_URL.
    urlpatterns.append(path(".well-known/jwks.json", JWKSView.as_view(), name="jwks"))
