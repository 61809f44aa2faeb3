from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import (
    JWTAuthentication,
    JWTStatelessUserAuthentication,
)


class MeView(APIView):
    """The logged-in user, loaded from the database by the token's user id."""

    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        user = request.user
        return Response(
            {
                "id": user.pk,
                "username": user.get_username(),
                "name": user.get_full_name(),
            }
        )


class StatelessMeView(APIView):
    """The user as the token describes it, without a database query.

    ``request.user`` is a ``TokenUser`` built from the token's claims, so
    this is what a service that only holds the signing key can know.
    """

    authentication_classes = [JWTStatelessUserAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        token = request.auth
        return Response(
            {
                "user_id": request.user.id,
                "token_type": token["token_type"],
                "expires_at": token["exp"],
            }
        )
