"""URLconf of the test suite: the token endpoints and views that require a token."""

from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.authentication import (
    JWTAuthentication,
    JWTStatelessUserAuthentication,
)


class WhoAmI(APIView):
    """Answers with the authenticated user; any failure is the authenticator's."""

    authentication_classes = (JWTAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response(
            {
                "user_id": request.user.pk,
                "username": request.user.get_username(),
                "token_type": request.auth.get("token_type"),
            }
        )


class StatelessWhoAmI(WhoAmI):
    authentication_classes = (JWTStatelessUserAuthentication,)


urlpatterns = [
    path(
        "api/token/", jwt_views.TokenObtainPairView.as_view(), name="token_obtain_pair"
    ),
    path(
        "api/token/refresh/", jwt_views.TokenRefreshView.as_view(), name="token_refresh"
    ),
    path(
        "api/token/sliding/",
        jwt_views.token_obtain_sliding,
        name="token_obtain_sliding",
    ),
    path(
        "api/token/sliding/refresh/",
        jwt_views.token_refresh_sliding,
        name="token_refresh_sliding",
    ),
    path("api/token/verify/", jwt_views.token_verify, name="token_verify"),
    path("api/token/blacklist/", jwt_views.token_blacklist, name="token_blacklist"),
    path("api/whoami/", WhoAmI.as_view(), name="whoami"),
    path("api/whoami/stateless/", StatelessWhoAmI.as_view(), name="whoami_stateless"),
]
