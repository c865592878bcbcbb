from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from casework.access.scope import system_scope
from casework.privacy.anonymise import plan, run


class Command(BaseCommand):
    help = (
        "Anonymise closed cases and students past CASEWORK['RETENTION_YEARS'] "
        "(with --dry-run: only list what would go)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be anonymised; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        with system_scope():
            cutoff, students, cases = plan()
            if dry_run:
                self.report(cutoff, students, cases)
                return
            record = run()
        self.stdout.write(
            _("Anonymised %(students)s students and %(cases)s cases; deleted %(files)s files.")
            % {"students": record.students, "cases": record.cases, "files": record.files_deleted}
        )

    def report(self, cutoff, students, cases):
        self.stdout.write(
            _("Dry run: nothing is changed. Last used before %(date)s.")
            % {"date": f"{cutoff.year}年{cutoff.month}月{cutoff.day}日"}
        )
        self.stdout.write(_("Students to anonymise: %(n)s") % {"n": students.count()})
        for student in students:
            self.stdout.write(f"  student {student.pk}\t{student.name}\t{student.school.name}")
        cases = cases.select_related("student")
        self.stdout.write(_("Closed cases to anonymise: %(n)s") % {"n": cases.count()})
        for case in cases:
            self.stdout.write(
                f"  case {case.pk}\t{case.student.name}\t{case.get_concern_display()}"
                f"\t{case.closed_on:%Y-%m-%d}"
            )
