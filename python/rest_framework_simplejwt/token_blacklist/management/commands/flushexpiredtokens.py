from django.core.management.base import BaseCommand

from rest_framework_simplejwt.utils import aware_utcnow

from ...models import OutstandingToken


class Command(BaseCommand):
    help = "Flushes any expired tokens in the outstanding token list"

    def handle(self, *args, **options) -> None:
        # Blacklist rows point at their token with on_delete=CASCADE, so they
        # are removed together with it. aware_utcnow is this module's name,
        # as upstream's, so that tests can patch it here.
        OutstandingToken.objects.filter(expires_at__lte=aware_utcnow()).delete()
