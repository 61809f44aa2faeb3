"""The token endpoints: obtain, refresh, verify and blacklist.

Each view takes its serializer from the settings when a request comes in
(``TOKEN_OBTAIN_SERIALIZER`` and friends), so a changed setting applies
without re-importing this module. As upstream, a view class may instead set
``serializer_class``, or set ``_serializer_class`` to a dotted path.
"""

from typing import Any, Optional  # noqa: F401 - upstream's module has them

from django.utils.module_loading import import_string
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from . import authentication, cookies
from .exceptions import InvalidToken, TokenError
from .settings import api_settings


class _SerializerSetting:
    """A view's ``_serializer_class``: the dotted path a setting holds now
    (upstream read it once, at import). A plain value set on a subclass or an
    instance takes its place."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return getattr(api_settings, self.setting)


class TokenViewBase(generics.GenericAPIView):
    permission_classes = ()
    authentication_classes = ()

    serializer_class: type[BaseSerializer] | None = None
    _serializer_class: Any = ""

    www_authenticate_realm = "api"

    # Cookies (issue 14): None follows SIMPLE_JWT["AUTH_COOKIE"]; False keeps
    # this view to the JSON body (``as_view(use_cookies=False)``).
    use_cookies: bool | None = None
    # The body field a cookie may stand in for, if any.
    _cookie_input: str | None = None
    # The view logs out: it deletes the cookies rather than setting them.
    _cookie_logout = False

    def get_serializer_class(self) -> type[BaseSerializer]:
        """
        If serializer_class is set, use it directly. Otherwise get the class from settings.
        """

        if self.serializer_class:
            return self.serializer_class
        if not isinstance(self._serializer_class, str):
            # A setting may hold the class itself rather than its path.
            return self._serializer_class
        try:
            return import_string(self._serializer_class)
        except ImportError as e:
            msg = f"Could not import serializer '{self._serializer_class}'"
            raise ImportError(msg) from e

    def get_authenticate_header(self, request: Request) -> str:
        # Token views authenticate nobody, but a refused token must still be
        # a 401 carrying WWW-Authenticate, not DRF's 403.
        types = globals().get("AUTH_HEADER_TYPES")
        if types is None or type(types) is authentication._FromSettings:
            types = authentication._module_value("AUTH_HEADER_TYPES", 1)
        return f'{types[0]} realm="{self.www_authenticate_realm}"'

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = cookies.token_from_cookie(self, request, request.data)
        serializer = self.get_serializer(data=data)

        try:
            serializer.is_valid(raise_exception=True)
        except TokenError as e:
            raise InvalidToken(e.args[0] if e.args else None) from e

        response = Response(serializer.validated_data, status=status.HTTP_200_OK)
        cookies.set_cookies(self, request, response)
        return response


class TokenObtainPairView(TokenViewBase):
    """
    Takes a username and password; returns a refresh and an access token.
    """

    _serializer_class = _SerializerSetting("TOKEN_OBTAIN_SERIALIZER")


token_obtain_pair = TokenObtainPairView.as_view()


class TokenRefreshView(TokenViewBase):
    """
    Takes a refresh token; returns a new access token (and, when refresh
    tokens rotate, a new refresh token).
    """

    _serializer_class = _SerializerSetting("TOKEN_REFRESH_SERIALIZER")
    _cookie_input = "refresh"


token_refresh = TokenRefreshView.as_view()


class TokenObtainSlidingView(TokenViewBase):
    """
    Takes a username and password; returns a sliding token.
    """

    _serializer_class = _SerializerSetting("SLIDING_TOKEN_OBTAIN_SERIALIZER")


token_obtain_sliding = TokenObtainSlidingView.as_view()


class TokenRefreshSlidingView(TokenViewBase):
    """
    Takes a sliding token still within its refresh period; returns it with a
    later expiry.
    """

    _serializer_class = _SerializerSetting("SLIDING_TOKEN_REFRESH_SERIALIZER")
    _cookie_input = "token"


token_refresh_sliding = TokenRefreshSlidingView.as_view()


class TokenVerifyView(TokenViewBase):
    """
    Takes a token of any type; answers 200 with an empty object if its
    signature and claims are valid.
    """

    _serializer_class = _SerializerSetting("TOKEN_VERIFY_SERIALIZER")


token_verify = TokenVerifyView.as_view()


class TokenBlacklistView(TokenViewBase):
    """
    Takes a refresh token and blacklists it. Needs the
    ``rest_framework_simplejwt.token_blacklist`` app.
    """

    _serializer_class = _SerializerSetting("TOKEN_BLACKLIST_SERIALIZER")
    _cookie_input = "refresh"
    _cookie_logout = True

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == status.HTTP_401_UNAUTHORIZED and cookies.enabled(
            self
        ):
            # A refresh token refused at logout (expired, already
            # blacklisted) is of no use: the browser forgets it anyway.
            cookies.delete_cookies(request, response)
        return response


token_blacklist = TokenBlacklistView.as_view()


class JWKSView(APIView):
    """
    The public keys tokens are verified with, as a JSON Web Key Set:
    ``{"keys": [...]}`` (see ``keyset.public_jwks``). Never a secret; with
    an HS* algorithm the set is empty. Served as ``.well-known/jwks.json``
    for services that verify tokens through ``JWK_URL`` (or PyJWT's
    ``PyJWKClient``).
    """

    permission_classes = ()
    authentication_classes = ()
    #: Seconds clients and caches may keep the set (``Cache-Control``).
    cache_seconds = 300

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from .keyset import public_jwks

        response = Response(public_jwks())
        response["Cache-Control"] = f"public, max-age={int(self.cache_seconds)}"
        return response


jwks = JWKSView.as_view()


class TokenLogoutAllView(generics.GenericAPIView):
    """Ours: "log out everywhere". An authenticated POST revokes every refresh
    token of the requesting user (and, with ACCESS_TOKEN_REVOCATION, every
    access token issued until now). Needs the
    ``rest_framework_simplejwt.token_blacklist`` app. Authentication comes
    from DRF's ``DEFAULT_AUTHENTICATION_CLASSES`` unless a subclass sets it.
    """

    permission_classes = (IsAuthenticated,)
    serializer_class = None

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from .revocation import logout_everywhere

        logout_everywhere(request.user, reason="logout_all")
        return Response({}, status=status.HTTP_200_OK)


token_logout_all = TokenLogoutAllView.as_view()


def __getattr__(name: str) -> Any:
    # Upstream's views module imported this name from authentication.
    if name == "AUTH_HEADER_TYPES":
        return authentication._module_value("AUTH_HEADER_TYPES", 1)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
