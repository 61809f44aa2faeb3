"""URLs of the revocation tests: the suite's, the logout-all view, and
endpoints that report which server process answered."""

import os
import time

from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.authentication import (
    JWTAuthentication,
    JWTStatelessUserAuthentication,
)
from tests.urls import urlpatterns as suite_urlpatterns


class LogoutAll(jwt_views.TokenLogoutAllView):
    authentication_classes = (JWTAuthentication,)


class Pid(APIView):
    """Answers with the worker's pid; ?hold=s keeps the worker busy so that
    concurrent requests spread over the workers."""

    authentication_classes = (JWTAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        time.sleep(min(float(request.query_params.get("hold", 0)), 2))
        return Response({"pid": os.getpid(), "user_id": request.user.pk})


class StatelessPid(Pid):
    authentication_classes = (JWTStatelessUserAuthentication,)


class PidAnon(APIView):
    authentication_classes = ()
    permission_classes = ()

    def get(self, request):
        return Response({"pid": os.getpid()})


urlpatterns = [
    *suite_urlpatterns,
    path("api/token/logout-all/", LogoutAll.as_view(), name="token_logout_all"),
    path("api/pid/", Pid.as_view()),
    path("api/pid/stateless/", StatelessPid.as_view()),
    path("api/pid/anon/", PidAnon.as_view()),
]


class WorkerPidMiddleware:
    """Names the answering process in an ``X-Worker-Pid`` header (refusals
    included) and, with ``?hold=s``, keeps the worker busy that long."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        hold = request.GET.get("hold")
        if hold:
            time.sleep(min(float(hold), 2))
        response["X-Worker-Pid"] = str(os.getpid())
        return response
