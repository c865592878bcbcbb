"""Reference data: schools and the seven-item responsibility checklist (attachment 2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.access.scope import ScopedManager, ScopedModel, UnscopedManager


class School(ScopedModel):
    """An implementing unit (落实单位): a school or kindergarten of the district."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("primary school")
        JUNIOR = "junior", _("junior middle school")
        NINE_YEAR = "nine_year", _("nine-year school")
        KINDERGARTEN = "kindergarten", _("kindergarten")

    class Area(models.TextChoices):
        URBAN = "urban", _("urban")
        RURAL = "rural", _("rural")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    area = models.CharField(_("urban or rural"), max_length=10, choices=Area.choices)
    township = models.CharField(_("township or subdistrict"), max_length=50, blank=True)

    school_path = "id"
    objects = ScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def log_school_id(self):
        return self.id


class ChecklistCategory(models.Model):
    """One of the four checks (查损补失, 查漏补缺, 查短补齐, 查弱补强)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=20)
    heading = models.CharField(_("heading"), max_length=40)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("checklist category")
        verbose_name_plural = _("checklist categories")
        ordering = ["number"]

    def __str__(self):
        return self.heading


class ChecklistItem(models.Model):
    """An item of the supervision responsibility checklist, as attachment 2 states it."""

    class Scope(models.TextChoices):
        CHILDREN = "children", _("children (cases)")
        SCHOOLS = "schools", _("schools (findings)")

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    category = models.ForeignKey(
        ChecklistCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("content to check"))
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    problems_found = models.TextField(_("problems found"), blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    deadline = models.DateField(_("deadline"))
    deadline_text = models.CharField(_("deadline as written"), max_length=30)
    leader = models.CharField(_("responsible leader"), max_length=20)
    offices = models.CharField(_("responsible offices"), max_length=100)
    units = models.CharField(_("implementing units"), max_length=100)
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def office_list(self):
        return self.offices.split()


class LedgerVersion(models.Model):
    """One row: a number every committed write to the ledger raises (casework.tallies)."""

    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("ledger version")

    def __str__(self):
        return str(self.n)
