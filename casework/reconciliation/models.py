"""Lists received from schools and other offices (数据比对): the import record and its rows."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager
from casework.jobs import BackgroundJob, stale_before
from casework.models.reference import School
from casework.people import display_name


def import_upload_to(instance, filename):
    # A random name: the original (often a child's or a village's name) is kept in the record.
    return f"casework/imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportKind(models.TextChoices):
    ROLL = "roll", _("school roll")
    POVERTY = "poverty", _("poverty-office list (registered poor households)")
    CIVIL_AFFAIRS = "civil_affairs", _("civil-affairs list (minimum allowance, extreme hardship)")
    DISABILITY = "disability", _("disabled persons' federation list")
    POPULATION = "population", _("township school-age population list")


#: The kinds of list kept as agency list entries (everything but a school roll).
AGENCY_KINDS = (
    ImportKind.POVERTY,
    ImportKind.CIVIL_AFFAIRS,
    ImportKind.DISABILITY,
    ImportKind.POPULATION,
)
#: The lists that say a child should get aid.
AID_KINDS = (ImportKind.POVERTY, ImportKind.CIVIL_AFFAIRS, ImportKind.DISABILITY)


class ImportBatchQuerySet(models.QuerySet):
    def committed(self):
        """Imports whose accepted rows are in the ledger."""
        return self.filter(status=ImportBatch.Status.COMMITTED)

    def stale(self, now=None):
        """Imports marked as being read or committed whose worker has shown no sign of life."""
        cutoff = stale_before(now)
        return self.filter(
            models.Q(heartbeat_at__lt=cutoff)
            | models.Q(heartbeat_at__isnull=True, uploaded_at__lt=cutoff),
            status__in=(ImportBatch.Status.READING, ImportBatch.Status.COMMITTING),
        )


class ImportBatch(ScopedModel, BackgroundJob):
    """One uploaded spreadsheet: who sent it, when, what was accepted and what was refused."""

    Kind = ImportKind

    class Status(models.TextChoices):
        READING = "reading", _("being read")
        PREVIEW = "preview", _("waiting to be committed")
        COMMITTING = "committing", _("being committed")
        COMMITTED = "committed", _("committed")
        FAILED = "failed", _("could not be read")
        # The worker reading it died; nothing was kept and it can be read again.
        INTERRUPTED = "interrupted", _("interrupted")

    kind = models.CharField(_("kind of list"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
        help_text=_("The school whose roll this is; empty for other offices' lists."),
    )
    township = models.CharField(
        _("township or subdistrict"),
        max_length=50,
        blank=True,
        help_text=_("For a school-age population list without a township column."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.READING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    columns = models.JSONField(_("columns found"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows read"), default=0)
    accepted_rows = models.PositiveIntegerField(_("rows accepted"), default=0)
    refused_rows = models.PositiveIntegerField(_("rows refused"), default=0)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    updated_count = models.PositiveIntegerField(_("records updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("records unchanged"), default=0)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced",
        help_text=_("The later list of the same kind that is now the current one."),
    )

    school_path = "school_id"
    objects = ScopedManager.from_queryset(ImportBatchQuerySet)()
    unscoped = UnscopedManager.from_queryset(ImportBatchQuerySet)()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "status"], name="casework_import_kind_status"),
            models.Index(fields=["school", "-uploaded_at"], name="casework_import_school"),
        ]
        permissions = [
            ("import_agency_lists", _("Can import other offices' lists")),
            ("reconcile_lists", _("Can reconcile lists and open cases from what is found")),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def log_school_id(self):
        return self.school_id

    @property
    def uploaded_by_name(self):
        return display_name(self.uploaded_by)

    @property
    def committed_by_name(self):
        return display_name(self.committed_by)

    @property
    def is_running(self):
        return self.status in (self.Status.READING, self.Status.COMMITTING)

    def earlier_copies(self):
        """Earlier imports of the very same file (same kind and school)."""
        return ImportBatch.unscoped.filter(
            sha256=self.sha256, kind=self.kind, school_id=self.school_id
        ).exclude(pk=self.pk)


class ImportRow(ScopedModel):
    """One data row of an uploaded spreadsheet, as read and checked for the preview."""

    class Action(models.TextChoices):
        CREATE = "create", _("new")
        UPDATE = "update", _("changes a record")
        UNCHANGED = "unchanged", _("already recorded")

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.PositiveIntegerField(_("row"))
    accepted = models.BooleanField(_("accepted"))
    column = models.CharField(_("column"), max_length=100, blank=True)
    reason = models.TextField(_("reason refused"), blank=True)
    action = models.CharField(_("effect"), max_length=10, choices=Action.choices, blank=True)
    id_number = models.CharField(_("ID number"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    data = models.JSONField(_("values"), default=dict)

    school_path = "batch__school_id"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "row_number"], name="casework_importrow_unique"
            )
        ]
        indexes = [
            models.Index(fields=["batch", "accepted", "row_number"], name="casework_importrow_acc")
        ]

    def __str__(self):
        return f"{self.batch_id}:{self.row_number}"


class AgencyListEntryQuerySet(models.QuerySet):
    def current(self):
        """On the current list of their kind: what reconciliation works from."""
        return self.filter(removed_on__isnull=True)


class AgencyListEntry(ScopedModel):
    """A child on another office's list, by ID number: the latest word of that list."""

    Kind = ImportKind

    class CivilCategory(models.TextChoices):
        DIBAO = "dibao", _("minimum living allowance")
        TEKUN = "tekun", _("extreme-hardship support")

    kind = models.CharField(_("list"), max_length=20, choices=ImportKind.choices)
    id_number = models.CharField(_("ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    township = models.CharField(_("township or subdistrict"), max_length=50, blank=True)
    village = models.CharField(_("village"), max_length=50, blank=True)
    household_head = models.CharField(_("head of household"), max_length=50, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    poverty_exit_year = models.PositiveSmallIntegerField(
        _("year the household left poverty"), null=True, blank=True
    )
    civil_category = models.CharField(
        _("assistance"), max_length=10, choices=CivilCategory.choices, blank=True
    )
    disability_category = models.CharField(_("disability category"), max_length=20, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("from import"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    removed_on = models.DateField(
        _("removed from the list on"),
        null=True,
        blank=True,
        help_text=_("The child is not on the current list of this kind (e.g. the aid ended)."),
    )
    removed_by = models.ForeignKey(
        ImportBatch,
        verbose_name=_("removed by import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="removed_entries",
    )

    # Other offices' lists cover the whole district: only the bureau sees them.
    school_path = None
    objects = ScopedManager.from_queryset(AgencyListEntryQuerySet)()
    unscoped = UnscopedManager.from_queryset(AgencyListEntryQuerySet)()

    #: The fields an import writes, in the order the preview shows them.
    DATA_FIELDS = (
        "name",
        "township",
        "village",
        "household_head",
        "phone",
        "address",
        "poverty_exit_year",
        "civil_category",
        "disability_category",
        "disability_grade",
    )

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["kind", "id_number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "id_number"], name="casework_listentry_unique")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name}"


class ProbableMatch(ScopedModel):
    """A list entry whose ID matches nobody, and the enrolled child it probably is.

    Shown side by side for a person to confirm (the entry takes the child's ID number) or
    reject; nothing is merged without that.
    """

    class Reason(models.TextChoices):
        NAME = "name", _("same birth date, similar name (pinyin)")
        ONE_DIGIT = "one_digit", _("ID number differs in one digit")
        CHECK_DIGIT = "check_digit", _("ID number with a wrong check digit")
        OLD_ID = "old_id", _("old 15-digit ID number")

    class State(models.TextChoices):
        OPEN = "open", _("to be checked")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    entry = models.ForeignKey(
        AgencyListEntry,
        verbose_name=_("list entry"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="probable_matches",
    )
    # A row refused for its ID number (old 15-digit, wrong check digit) has no entry yet.
    row = models.ForeignKey(
        ImportRow,
        verbose_name=_("refused row"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="probable_matches",
    )
    student = models.ForeignKey(
        "casework.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="probable_matches",
    )
    reason = models.CharField(_("why"), max_length=12, choices=Reason.choices)
    score = models.PositiveSmallIntegerField(_("similarity (%)"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    listed_id_number = models.CharField(_("ID number on the list"), max_length=40)
    listed_name = models.CharField(_("name on the list"), max_length=50)
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    # Like the lists themselves, matches are the bureau's: they name children of every school.
    school_path = None
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("probable match")
        verbose_name_plural = _("probable matches")
        ordering = ["state", "-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "student"], name="casework_probablematch_unique"
            ),
            models.UniqueConstraint(
                fields=["row", "student"], name="casework_probablematch_row_unique"
            ),
        ]

    def __str__(self):
        return f"{self.listed_name} → {self.student_id}"

    @property
    def decided_by_name(self):
        return display_name(self.decided_by)
