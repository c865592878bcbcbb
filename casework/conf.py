"""The app's settings: one ``CASEWORK`` dict in the site's settings, read through ``conf``.

    CASEWORK = {"MONTHLY_DEADLINE_DAY": 25, ...}

Every key is optional; ``DEFAULTS`` gives each one's default and meaning.
"""

from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

DEFAULTS = {
    # A list export longer than this is written by the worker, not in the request.
    "EXPORT_INLINE_ROWS": 5_000,
    # Exported files hold children's data: they are deleted after this many days.
    "EXPORT_KEEP_DAYS": 7,
    # Access records and the history of casework records (who opened, exported, changed or
    # deleted what) are kept this many days, then purged daily; at least 183 (six months).
    "AUDIT_KEEP_DAYS": 365,
    # An uploaded list larger than this is read by the worker, not in the request.
    "IMPORT_INLINE_BYTES": 256 * 1024,
    # A job (an import, a long export) still marked as running with no sign of life for this
    # many seconds died with its worker: it is marked interrupted and can be started again.
    # Keep it above Q_CLUSTER's timeout (600 s), after which django-q2 stops any task.
    "JOB_STALE_AFTER": 15 * 60,
    # The dashboards' and the monthly draft's figures are kept until the ledger next changes
    # (casework.tallies), and at most this many seconds.
    "TALLY_SECONDS": 5 * 60,
    # A commit in the worker whose database stopped waits this many seconds for it to come
    # back, to put the import back to its preview with the reason; past that, the sweep does.
    "JOB_DATABASE_WAIT": 120,
    # Larger uploads are refused (about 300,000 rows of a typical roll).
    "IMPORT_MAX_UPLOAD_BYTES": 50 * 1024 * 1024,
    # An upload that unpacks to more than this is read by the worker too, whatever its size.
    "IMPORT_INLINE_UNCOMPRESSED_BYTES": 4 * 1024 * 1024,
    # Bounds checked on every uploaded workbook before it is parsed (casework.reconciliation
    # .bounds); a file over any of them is refused with the reason.
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 400 * 1024 * 1024,
    "IMPORT_MAX_COMPRESSION_RATIO": 200,
    "IMPORT_MAX_PARTS": 1000,
    "IMPORT_MAX_SHEETS": 50,
    "IMPORT_MAX_ROWS": 300_000,
    "IMPORT_MAX_COLUMNS": 200,
    "IMPORT_MAX_CELLS": 10_000_000,
    "IMPORT_MAX_MERGED_RANGES": 10_000,
    # Excel itself holds at most 32,767 characters in a cell.
    "IMPORT_MAX_TEXT_CHARS": 32_767,
    # The checklist is approved and sent on before this day of every month.
    "MONTHLY_DEADLINE_DAY": 25,
    # The day of the month the offices are reminded of their rows.
    "MONTHLY_REMINDER_DAY": 20,
    # The office (by name) that receives the approved monthly checklist; "" sends it nowhere.
    "RECEIVING_OFFICE": "",
    # Two-factor login for bureau offices, leaders, school managers and superusers
    # (casework/twofactor/); False turns it off everywhere, for the test suite only.
    "TWO_FACTOR": True,
    # The first year the ledger knows (the plan's): no case, report or term figure before it, and
    # none after next year (see casework/dates.py).
    "FIRST_YEAR": 2020,
    # Households that left poverty before this year must still get aid: reconciliation flags them.
    "POVERTY_EXIT_YEAR": 2019,
    # Compulsory-school age (义务教育适龄): from this age, and under the second, on the
    # reconciliation's reference date. Children on an aid list in this range and on no roll
    # are 去向不明 / 未入学.
    "COMPULSORY_AGE_FROM": 6,
    "COMPULSORY_AGE_UNTIL": 16,
    # The least similarity (0–100) of two names' pinyin for a probable match on the same birth date.
    "NAME_MATCH_SCORE": 80,
    # Put before the subject of every e-mail the app sends, as it is (with any space it needs).
    "EMAIL_SUBJECT_PREFIX": "",
    # The title and closing note of the checklist workbook ("" for the generic ones).
    "CHECKLIST_TITLE": "",
    "CHECKLIST_CLOSING_NOTE": "",
    # 填报单位 on the checklist workbook ("" leaves it blank, to be written in by hand).
    "REPORTING_UNIT": "",
    # 督导抽查: case files drawn per school each month (open and recently closed ones).
    "REVIEW_SAMPLE_SIZE": 3,
    # Cases closed off within this many days before the draw can be drawn too.
    "REVIEW_RECENT_CLOSED_DAYS": 60,
    # Each step of a review (review, answer, close) is due this many days after the last.
    "REVIEW_STEP_DAYS": 10,
    # Mixed into every draw's seed, so a site can make its draws its own; the draw stays
    # reproducible from the month, the school and this text.
    "REVIEW_SEED": "casework",
    # A school with open work on an item and nothing recorded for this many days "has not moved".
    "SUPERVISION_STALE_DAYS": 30,
    # The weeks the leader's charts cover.
    "SUPERVISION_WEEKS": 26,
    # Evidence (photos, signed forms, PDFs) is kept here, outside MEDIA_ROOT; "" means a folder
    # "evidence" next to MEDIA_ROOT. Never put it under a path the web server serves.
    "EVIDENCE_ROOT": "",
    # A larger uploaded file is refused.
    "EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    # More attachments than this on one record are refused.
    "EVIDENCE_MAX_PER_RECORD": 10,
    # Photos are scaled down to this longest side when they are re-encoded.
    "EVIDENCE_IMAGE_MAX_SIDE": 2000,
    # Images with more pixels than this are refused before they are decoded.
    "EVIDENCE_MAX_PIXELS": 50_000_000,
    # The uploader may delete their own attachment for this many hours (the school manager always).
    "EVIDENCE_DELETE_HOURS": 24,
    # PIPL: a closed case, and a child with no open case, untouched for this many years are
    # anonymised by the nightly job (casework.privacy); their counts stay in the figures.
    "RETENTION_YEARS": 3,
}

GENERIC_CHECKLIST_TITLE = _("Responsibility checklist")


class Settings:
    """``conf.MONTHLY_DEADLINE_DAY`` and so on: the site's value, else the default."""

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"CASEWORK has no setting {name!r}")
        if not hasattr(self, "_values"):
            from django.conf import settings

            self._values = {**DEFAULTS, **getattr(settings, "CASEWORK", {})}
        return self._values[name]

    def reload(self):
        self.__dict__.pop("_values", None)


conf = Settings()


def _reload(*, setting, **kwargs):
    if setting == "CASEWORK":
        conf.reload()


setting_changed.connect(_reload)


def email_subject(subject):
    """``subject`` with the site's prefix."""
    prefix = conf.EMAIL_SUBJECT_PREFIX
    return f"{prefix}{subject}"
