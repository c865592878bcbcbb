from django.core.management.base import BaseCommand

from home.seed import SeedLoader


class Command(BaseCommand):
    help = "Publish notice 石大教体发〔2020〕38号, its plan and checklist, and the seven checklist items."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Rewrite existing pages and items to the seed text (discards editors' changes).",
        )

    def handle(self, *args, reset=False, **options):
        changed = SeedLoader(reset=reset).run()
        if changed:
            for line in changed:
                self.stdout.write(line)
        else:
            self.stdout.write("The seed content is already loaded; nothing changed.")
