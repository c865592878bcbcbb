from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.backups.archive import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the private files (MEDIA_ROOT and the evidence root) "
        "into one .tar.gz archive."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The archive to write (default: casework-backup-YYYYmmdd-HHMMSS.tar.gz here).",
        )

    def handle(self, *args, output=None, **options):
        output = output or f"casework-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        try:
            manifest = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the {manifest['vendor']} database and {len(manifest['files'])} files "
            f"to {output}"
        )
