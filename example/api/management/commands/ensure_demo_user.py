"""Create the demo user, or reset its password if it exists already."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password"


class Command(BaseCommand):
    help = f"Create (or reset) the user {DEMO_USERNAME!r} used by the walkthrough."

    def handle(self, *args, **options):
        user, created = get_user_model().objects.update_or_create(
            username=DEMO_USERNAME,
            defaults={
                "first_name": "Ada",
                "last_name": "Lovelace",
                "is_active": True,
                # Lets the demo user look at the token tables in /admin/.
                "is_staff": True,
                "is_superuser": True,
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        verb = "Created" if created else "Found"
        self.stdout.write(
            f"{verb} user {DEMO_USERNAME!r} (password {DEMO_PASSWORD!r})."
        )
