"""Reconciling the schools' rolls with other offices' lists by ID number (数据比对).

Everything is loaded once with ``values_list`` and joined in memory with sets and dicts, so a
district of 100,000 children against lists of 100,000 takes a few seconds, not a query a row.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.access.roles import Role
from casework.access.rules import can_reconcile
from casework.choices import CONCERN_CHECKLIST_ITEM, Concern, RiskLevel
from casework.conf import conf, email_subject
from casework.dates import term_start
from casework.idnumbers import birth_date_from_id, gender_from_id
from casework.links import absolute
from casework.models import (
    AID_KINDS,
    AgencyListEntry,
    Case,
    ChecklistItem,
    ImportKind,
    School,
    Student,
    SupportRecord,
)
from casework.services import open_case


class FindingKind(models.TextChoices):
    MISSED = "missed", gettext_lazy("on an aid list, enrolled, no support this term (漏报?)")
    WRONG = "wrong", gettext_lazy("aid given, on no list (错报?)")
    UNACCOUNTED = (
        "unaccounted",
        gettext_lazy("on a school-age or aid list, of school age, on no roll (去向不明)"),
    )
    EXITED = "exited", gettext_lazy("household left poverty early: check the aid")


#: The concern, and so the checklist item (2 aid policy, 3 dropout control), of each finding.
CONCERN_OF = {
    FindingKind.MISSED: Concern.AID_MISSED,
    FindingKind.WRONG: Concern.AID_WRONG,
    FindingKind.UNACCOUNTED: Concern.DROPOUT_RISK,
    FindingKind.EXITED: Concern.AID_MISSED,
}


@dataclass(frozen=True)
class Discrepancy:
    """One child the reconciliation found, with what the case about them would need."""

    kind: str
    id_number: str
    name: str
    student_id: int | None
    school_id: int | None
    lists: tuple = ()
    township: str = ""
    village: str = ""
    exit_year: int | None = None
    supported: bool = False
    has_open_case: bool = False

    @property
    def key(self):
        return f"{self.kind}:{self.id_number or self.student_id}"

    @property
    def list_labels(self):
        return [ImportKind(kind).label for kind in self.lists]

    @property
    def concern(self):
        return CONCERN_OF[self.kind]

    @property
    def checklist_number(self):
        return CONCERN_CHECKLIST_ITEM[self.concern]


def of_compulsory_age(id_number, on):
    """Is the child of compulsory-school age on ``on``, by the birth date in the ID number?"""
    born = birth_date_from_id(id_number)
    if born is None:
        return False
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return conf.COMPULSORY_AGE_FROM <= age < conf.COMPULSORY_AGE_UNTIL


@dataclass
class Report:
    since: datetime.date
    findings: dict  # FindingKind -> [Discrepancy]
    schools: dict  # school id -> name
    suggested_school: dict  # township -> school id, where a township has one school
    on: datetime.date | None = None  # the reference date of the school-age check

    def counts(self):
        return {kind: len(self.findings.get(kind, ())) for kind in FindingKind}

    def select(self, keys):
        wanted = set(keys)
        return [f for found in self.findings.values() for f in found if f.key in wanted]


def reconcile(user, since=None, on=None):
    """Every discrepancy between the rolls ``user`` sees and the current lists.

    Support counts since ``since``; school age is reckoned on ``on`` (default today).
    """
    since = since or term_start()
    on = on or datetime.date.today()
    if not can_reconcile(user):
        # School staff see their own children but not the lists: any "finding" would be wrong.
        return Report(
            since=since, findings={k: [] for k in FindingKind}, schools={}, suggested_school={}
        )
    students = Student.objects.for_user(user).values_list("pk", "id_number", "name", "school_id")
    by_pk, pk_of_id = {}, {}
    for pk, id_number, name, school_id in students.iterator(chunk_size=5000):
        by_pk[pk] = (id_number, name, school_id)
        if id_number:
            pk_of_id[id_number] = pk

    on_lists = defaultdict(set)
    list_name, township_of, exit_year_of, population = {}, {}, {}, set()
    entries = (
        AgencyListEntry.objects.for_user(user)
        .current()
        .values_list("kind", "id_number", "name", "township", "village", "poverty_exit_year")
    )
    for kind, id_number, name, township, village, exit_year in entries.iterator(chunk_size=5000):
        list_name.setdefault(id_number, name)
        if township and (kind == ImportKind.POPULATION or id_number not in township_of):
            # The township's own school-age list knows best where the child lives.
            township_of[id_number] = (township, village)
        if kind == ImportKind.POPULATION:
            population.add(id_number)
        elif kind in AID_KINDS:
            on_lists[id_number].add(kind)
            if kind == ImportKind.POVERTY and exit_year:
                exit_year_of[id_number] = exit_year

    support = SupportRecord.objects.for_user(user).filter(given_on__gte=since)
    supported = set(support.values_list("case__student_id", flat=True))
    aided = set(
        support.filter(kind__in=SupportRecord.MONEY_KINDS).values_list(
            "case__student_id", flat=True
        )
    )
    open_cases = set(Case.objects.for_user(user).open().values_list("student_id", "concern"))

    def found(kind, student_pk, id_number, **extra):
        id_number_, name, school_id = by_pk.get(student_pk, (id_number, None, None))
        return Discrepancy(
            kind=kind,
            id_number=id_number or "",
            name=name or list_name.get(id_number, ""),
            student_id=student_pk,
            school_id=school_id,
            lists=tuple(sorted(on_lists.get(id_number, ()))),
            has_open_case=(student_pk, CONCERN_OF[kind]) in open_cases,
            **extra,
        )

    findings = {kind: [] for kind in FindingKind}
    for id_number in on_lists.keys() & pk_of_id.keys():
        pk = pk_of_id[id_number]
        if pk not in supported:
            findings[FindingKind.MISSED].append(found(FindingKind.MISSED, pk, id_number))
    for pk in aided:
        id_number = by_pk.get(pk, (None,))[0]
        # A child without an ID number cannot be looked up on the lists: no finding either way.
        if pk in by_pk and id_number and not on_lists.get(id_number):
            findings[FindingKind.WRONG].append(found(FindingKind.WRONG, pk, id_number))
    # Every listed child of school age accounted for: a school-age list is taken as it is;
    # a child on an aid list counts if of compulsory-school age on the reference date.
    aid_children = {i for i in on_lists.keys() - population if of_compulsory_age(i, on)}
    for id_number in (population | aid_children) - pk_of_id.keys():
        township, village = township_of.get(id_number, ("", ""))
        findings[FindingKind.UNACCOUNTED].append(
            found(FindingKind.UNACCOUNTED, None, id_number, township=township, village=village)
        )
    for id_number, year in exit_year_of.items():
        if year < conf.POVERTY_EXIT_YEAR and id_number in pk_of_id:
            pk = pk_of_id[id_number]
            findings[FindingKind.EXITED].append(
                found(FindingKind.EXITED, pk, id_number, exit_year=year, supported=pk in supported)
            )

    schools = dict(School.objects.for_user(user).values_list("pk", "name"))
    for items in findings.values():
        items.sort(key=lambda f: (schools.get(f.school_id, ""), f.township, f.name, f.id_number))
    return Report(
        since=since,
        findings=findings,
        schools=schools,
        suggested_school=_school_per_township(user),
        on=on,
    )


def _school_per_township(user):
    """The school responsible for a township's children, where the township has only one."""
    by_township = defaultdict(list)
    rows = (
        School.objects.for_user(user)
        .exclude(township="")
        .exclude(kind=School.Kind.KINDERGARTEN)
        .values_list("township", "pk")
    )
    for township, pk in rows:
        by_township[township].append(pk)
    return {township: pks[0] for township, pks in by_township.items() if len(pks) == 1}


# --- turning findings into cases ----------------------------------------------------------


@dataclass
class Opened:
    cases: list
    already_open: int = 0
    without_school: int = 0
    notified: int = 0


def _summary(finding):
    if finding.kind == FindingKind.MISSED:
        lists = "、".join(str(ImportKind(k).label) for k in finding.lists)
        return _(
            "Data reconciliation: on the %(lists)s and enrolled, but no support was recorded "
            "this term. Check whether the aid was missed (漏报)."
        ) % {"lists": lists}
    if finding.kind == FindingKind.WRONG:
        return _(
            "Data reconciliation: financial aid was recorded this term, but the child is on no "
            "poverty, civil-affairs or disability list. Check whether the aid was wrongly "
            "given (错报)."
        )
    if finding.kind == FindingKind.UNACCOUNTED and finding.lists:
        lists = "、".join(str(ImportKind(k).label) for k in finding.lists)
        return _(
            "Data reconciliation: on the %(lists)s (%(township)s %(village)s), of "
            "compulsory-school age, but on no school's roll. Find out where the child is "
            "(去向不明 / 未入学)."
        ) % {"lists": lists, "township": finding.township or "—", "village": finding.village}
    if finding.kind == FindingKind.UNACCOUNTED:
        return _(
            "Data reconciliation: on the school-age population list of %(township)s, but on no "
            "school's roll. Find out where the child is (去向不明)."
        ) % {"township": finding.township or "—"}
    return _(
        "Data reconciliation: the household left poverty in %(year)d, before %(limit)d; check "
        "that the child still gets the aid (脱贫不脱政策)."
    ) % {"year": finding.exit_year, "limit": conf.POVERTY_EXIT_YEAR}


class NoChecklistItem(Exception):
    """The checklist lacks the items the findings' cases answer (it was never loaded)."""

    def __init__(self, numbers):
        self.numbers = numbers
        super().__init__(numbers)


def open_cases(user, findings, school=None):
    """Open a case for each finding not already being followed; tell each school's manager.

    A child found on a school-age list and on no roll gets a student file at ``school`` (or
    the township's only school) so that the case has someone to be about.
    """
    with translation.override(settings.LANGUAGE_CODE):
        result = Opened(cases=[])
        items = {item.number: item for item in ChecklistItem.objects.filter(number__in=(2, 3))}
        missing = {f.checklist_number for f in findings} - set(items)
        if missing:
            raise NoChecklistItem(sorted(missing))
        suggested = _school_per_township(user)
        entries = {}
        # The school-age list's entry first: it has the township's word on where the child lives.
        for e in (
            AgencyListEntry.objects.for_user(user)
            .current()
            .filter(id_number__in=[f.id_number for f in findings if f.student_id is None])
        ):
            if e.id_number not in entries or e.kind == ImportKind.POPULATION:
                entries[e.id_number] = e
        with transaction.atomic():
            created, school_ids = [], []
            seen = set()
            for finding in findings:
                once = (finding.student_id or finding.id_number, finding.concern)
                if finding.has_open_case or once in seen:
                    result.already_open += 1
                    continue
                seen.add(once)
                student_id, school_id = finding.student_id, finding.school_id
                if student_id is None:
                    school_id = school.pk if school else suggested.get(finding.township)
                    if school_id is None:
                        result.without_school += 1
                        continue
                    student_id = _student_for(finding, entries.get(finding.id_number), school_id)
                case = Case(
                    student_id=student_id,
                    concern=finding.concern,
                    checklist_item=items[finding.checklist_number],
                    risk=RiskLevel.HIGH
                    if finding.kind == FindingKind.UNACCOUNTED
                    else RiskLevel.MEDIUM,
                    summary=_summary(finding),
                )
                created.append(open_case(case, user))
                school_ids.append(school_id)
        result.cases = created
        result.notified = notify_managers(user, created, school_ids)
    return result


def _student_for(finding, entry, school_id):
    """A student file for a child found only on a school-age list."""
    return Student.unscoped.create(
        school_id=school_id,
        name=finding.name,
        id_number=finding.id_number,
        birth_date=birth_date_from_id(finding.id_number),
        gender=gender_from_id(finding.id_number),
        hukou_township=entry.township if entry else finding.township,
        hukou_village=entry.village if entry else "",
        guardian_name=entry.household_head if entry else "",
        phone=entry.phone if entry else "",
        address=entry.address if entry else "",
    ).pk


def notify_managers(user, cases, school_ids):
    """One e-mail per school to its managers, saying how many cases were opened (no names)."""
    per_school = Counter(school_ids)
    if not per_school:
        return 0
    User = get_user_model()
    managers = defaultdict(list)
    for school_id, email in (
        User.objects.filter(
            is_active=True,
            groups__casework_role__code=Role.MANAGER,
            casework_profile__school_id__in=per_school,
        )
        .exclude(email="")
        .values_list("casework_profile__school_id", "email")
    ):
        managers[school_id].append(email)
    url = absolute(reverse("wagtailadmin_home"))
    sent = 0
    for school_id, count in per_school.items():
        if not managers.get(school_id):
            continue
        send_mail(
            email_subject(_("%(count)d new cases from the data reconciliation") % {"count": count}),
            _(
                "The data reconciliation opened %(count)d new cases for your school. Sign in, "
                "pair a teacher with each child and follow them up: %(url)s\n\n"
                "This message names no child; the cases are in the system."
            )
            % {"count": count, "url": url},
            None,
            sorted(set(managers[school_id])),
        )
        sent += 1
    return sent


# --- a school reconciling its own roll ----------------------------------------------------


@dataclass
class SchoolReport:
    """What a school sees of the reconciliation: its own children, and its township's unknowns."""

    school: School
    since: datetime.date
    on: datetime.date
    missed: list  # Discrepancy: enrolled here, on an aid list, no support since ``since``
    unaccounted: list  # Discrepancy: listed in the school's township, on no school's roll


def reconcile_school(school, since=None, on=None):
    """The school's own reconciliation (各学校在学籍比对基础上…).

    The lists are read whole, but only two things come out: children enrolled at ``school``, and
    listed children of the school's township who are on *no* roll in the district. A child
    enrolled at another school never appears, not even as "not here": the roll that is checked
    for "on no roll" is every school's, which is why it is read unscoped.
    """
    since = since or term_start()
    on = on or datetime.date.today()
    own = dict(
        Student.unscoped.filter(school=school)
        .exclude(id_number=None)
        .values_list("id_number", "pk")
    )
    names = dict(Student.unscoped.filter(school=school).values_list("pk", "name"))
    on_lists, listed_here = defaultdict(set), {}
    entries = AgencyListEntry.unscoped.current().values_list(
        "kind", "id_number", "name", "township", "village"
    )
    for kind, id_number, name, township, village in entries.iterator(chunk_size=5000):
        if kind in AID_KINDS:
            on_lists[id_number].add(kind)
        if school.township and township == school.township:
            if kind == ImportKind.POPULATION or of_compulsory_age(id_number, on):
                listed_here.setdefault(id_number, (name, village))
    supported = set(
        SupportRecord.unscoped.filter(
            case__student__school=school, given_on__gte=since
        ).values_list("case__student_id", flat=True)
    )
    missed = [
        Discrepancy(
            kind=FindingKind.MISSED,
            id_number=id_number,
            name=names[pk],
            student_id=pk,
            school_id=school.pk,
            lists=tuple(sorted(on_lists[id_number])),
        )
        for id_number, pk in own.items()
        if on_lists.get(id_number) and pk not in supported
    ]
    enrolled = set(
        Student.unscoped.filter(id_number__in=list(listed_here))
        .values_list("id_number", flat=True)
        .iterator(chunk_size=5000)
    )
    unaccounted = [
        Discrepancy(
            kind=FindingKind.UNACCOUNTED,
            id_number=id_number,
            name=name,
            student_id=None,
            school_id=None,
            lists=tuple(sorted(on_lists.get(id_number, ()))),
            township=school.township,
            village=village,
        )
        for id_number, (name, village) in listed_here.items()
        if id_number not in enrolled
    ]
    missed.sort(key=lambda f: (f.name, f.id_number))
    unaccounted.sort(key=lambda f: (f.village, f.name, f.id_number))
    return SchoolReport(school=school, since=since, on=on, missed=missed, unaccounted=unaccounted)
