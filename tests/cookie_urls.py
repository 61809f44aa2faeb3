"""URLconf of tests/test_cookies.py: the token views in cookie mode under
``api/token/``, the same views kept to the JSON body under ``header/``, and
views authenticated by ``JWTCookieAuthentication``."""

from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.authentication import (
    JWTCookieAuthentication,
    JWTStatelessUserCookieAuthentication,
)


class CookieWhoAmI(APIView):
    authentication_classes = (JWTCookieAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response(
            {"username": request.user.get_username(), "via": request.auth["jti"]}
        )

    def post(self, request):
        return Response({"changed": True, "username": request.user.get_username()})


class StatelessCookieWhoAmI(CookieWhoAmI):
    authentication_classes = (JWTStatelessUserCookieAuthentication,)

    def get(self, request):
        return Response({"user_id": request.user.id})


urlpatterns = [
    path("api/token/", jwt_views.TokenObtainPairView.as_view()),
    path("api/token/refresh/", jwt_views.TokenRefreshView.as_view()),
    path("api/token/blacklist/", jwt_views.TokenBlacklistView.as_view()),
    path("api/token/verify/", jwt_views.TokenVerifyView.as_view()),
    path("api/sliding/", jwt_views.TokenObtainSlidingView.as_view()),
    path("api/sliding/refresh/", jwt_views.TokenRefreshSlidingView.as_view()),
    path("header/token/", jwt_views.TokenObtainPairView.as_view(use_cookies=False)),
    path(
        "header/token/refresh/",
        jwt_views.TokenRefreshView.as_view(use_cookies=False),
    ),
    path("api/whoami/", CookieWhoAmI.as_view()),
    path("api/whoami/stateless/", StatelessCookieWhoAmI.as_view()),
]
