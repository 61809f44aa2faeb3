"""Async views for tests/test_async_auth.py, served by uvicorn in a child
process (``tests.async_asgi:application``, settings ``tests.async_settings``):
the token endpoints, a plain ``async def`` Django view and an adrf async view,
both authenticating with ``aauthenticate``."""

from adrf.views import APIView as AsyncAPIView
from django.http import JsonResponse
from django.urls import path
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.authentication import (
    JWTAuthentication,
    JWTCookieAuthentication,
    JWTStatelessUserAuthentication,
)


async def plain_whoami(request):
    """A Django async view: no DRF request, no adrf."""
    try:
        result = await JWTAuthentication().aauthenticate(request)
    except exceptions.AuthenticationFailed as e:
        return JsonResponse(
            {"detail": e.detail, "code": e.get_codes()}, status=e.status_code
        )
    if result is None:
        return JsonResponse({"detail": "no token"}, status=401)
    user, token = result
    return JsonResponse({"username": user.get_username(), "jti": token["jti"]})


class AdrfWhoAmI(AsyncAPIView):
    """An adrf async view authenticating in its handler."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    authenticator = JWTAuthentication

    def get_authenticate_header(self, request):
        return self.authenticator().authenticate_header(request)

    async def get(self, request):
        result = await self.authenticator().aauthenticate(request)
        if result is None:
            raise exceptions.NotAuthenticated()
        user, token = result
        return Response({"username": user.get_username(), "jti": token["jti"]})

    async def post(self, request):
        return await self.get(request)


class AdrfStatelessWhoAmI(AdrfWhoAmI):
    authenticator = JWTStatelessUserAuthentication

    async def get(self, request):
        result = await self.authenticator().aauthenticate(request)
        if result is None:
            raise exceptions.NotAuthenticated()
        user, token = result
        return Response({"user_id": user.id, "jti": token["jti"]})


class AdrfCookieWhoAmI(AdrfWhoAmI):
    authenticator = JWTCookieAuthentication


urlpatterns = [
    path("api/token/", jwt_views.TokenObtainPairView.as_view()),
    path("async/plain/", plain_whoami),
    path("async/adrf/", AdrfWhoAmI.as_view()),
    path("async/adrf/stateless/", AdrfStatelessWhoAmI.as_view()),
    path("async/adrf/cookie/", AdrfCookieWhoAmI.as_view()),
]
