from django.core.management.base import BaseCommand, CommandError

from casework.backups.archive import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the database and the private files from an archive made by `backup`. "
        "Everything now in the database, MEDIA_ROOT and the evidence root is replaced: stop the "
        "web server and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--yes", action="store_true", help="Replace the current data without asking."
        )

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            answer = input(
                "This replaces the whole database and every private file. Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Nothing restored.")
        try:
            manifest = restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the database and {len(manifest['files'])} files "
            f"from the backup of {manifest['created_at']}"
        )
