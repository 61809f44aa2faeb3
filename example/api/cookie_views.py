"""The browser page (``/app/``) and the cookie-mode API it calls.

Only with djangorestframework-simplejwt-rs (``JWTCookieAuthentication`` and
the cookie settings are ours); project/urls.py leaves these routes out when
the project runs on upstream (the benchmark does that).
"""

from pathlib import Path

from django.http import Http404, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTCookieAuthentication

PAGE = Path(__file__).resolve().parent / "page"
FILES = {"": ("index.html", "text/html"), "app.js": ("app.js", "text/javascript")}


@ensure_csrf_cookie
def page(request, name=""):
    """The page and its script, as files (no template, no build step). The
    CSRF cookie comes with them: the script sends it back as X-CSRFToken."""
    if name not in FILES:
        raise Http404(name)
    filename, content_type = FILES[name]
    response = HttpResponse((PAGE / filename).read_bytes(), content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


class CookieMeView(APIView):
    """``/api/me/`` for the cookie mode: the access token comes from the
    HttpOnly cookie (or the header), and changing the name (POST) needs the
    CSRF token, as any unsafe method does when the cookie authenticated."""

    authentication_classes = [JWTCookieAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        user = request.user
        return Response(
            {"id": user.pk, "username": user.get_username(), "name": user.first_name}
        )

    def post(self, request):
        user = request.user
        user.first_name = str(request.data.get("name", ""))[:150]
        user.save(update_fields=["first_name"])
        return self.get(request)
