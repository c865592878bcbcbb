from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from casework.access.scope import system_scope
from home.demo import load_demo


class Command(BaseCommand):
    help = "Create demo schools and one account per role (local use only; refuses with DEBUG off)."

    def handle(self, *args, **options):
        try:
            # A command works for the whole district; it says so (casework sees nothing else).
            with system_scope():
                users, schools = load_demo()
        except ImproperlyConfigured as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"Demo ready: {len(schools)} schools, accounts {', '.join(users)}.")
