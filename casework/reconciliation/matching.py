"""Probable matches (疑似同一人) for list rows whose ID number matches nobody on a roll.

A list from another office has typos: an old 15-digit ID, a wrong check digit, one digit
mistyped, a name written with 同音字. Each is offered beside the enrolled child it probably is,
for a person to confirm or reject; nothing is merged here.
"""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

from casework.access.audit import log_import
from casework.conf import conf
from casework.idnumbers import (
    birth_date_from_id,
    check_digit,
    is_ascii_digits,
    normalize_id_number,
)
from casework.models import AgencyListEntry, ImportBatch, ImportRow, ProbableMatch, Student

Reason = ProbableMatch.Reason


def pinyin(name):
    return "".join(lazy_pinyin(name or ""))


def _wild(id17, pos):
    return id17[:pos] + "?" + id17[pos + 1 :]


class _Roll:
    """Every enrolled child indexed by ID, by ID with one digit left out, and by birth date."""

    def __init__(self):
        self.ids, self.by_id17 = set(), {}
        self.by_wild, self.by_birth = defaultdict(list), defaultdict(list)
        self.sound_of = {}
        rows = Student.unscoped.exclude(id_number=None).values_list(
            "pk", "id_number", "name", "birth_date"
        )
        for pk, id_number, name, born in rows.iterator(chunk_size=5000):
            self.ids.add(id_number)
            self.sound_of[pk] = pinyin(name)
            id17 = id_number[:17]
            self.by_id17[id17] = pk
            for pos in range(17):
                self.by_wild[_wild(id17, pos)].append(pk)
            if born:
                self.by_birth[born].append((pk, name))

    def candidates(self, id_number, name):
        """(student pk, reason, score) for a listed ID that matches nobody."""
        found = {}
        value = normalize_id_number(id_number)
        if len(value) == 15 and is_ascii_digits(value):
            id17 = value[:6] + "19" + value[6:]
            value = id17 + check_digit(id17)
            if value in self.ids:
                found[self.by_id17[id17]] = (Reason.OLD_ID, 100)
        if len(value) == 18 and is_ascii_digits(value[:17]):
            id17 = value[:17]
            if id17 in self.by_id17 and value not in self.ids:
                found.setdefault(self.by_id17[id17], (Reason.CHECK_DIGIT, 100))
            # Children born the same day in one county differ in a digit or two anyway: one
            # digit off counts only with a similar name.
            sound = pinyin(name)
            for pos in range(17):
                for pk in self.by_wild.get(_wild(id17, pos), ()):
                    score = round(fuzz.ratio(sound, self.sound_of[pk]))
                    if score >= conf.NAME_MATCH_SCORE:
                        found.setdefault(pk, (Reason.ONE_DIGIT, score))
        born = birth_date_from_id(value)
        if born and name:
            sound = pinyin(name)
            for pk, _name in self.by_birth.get(born, ()):
                score = round(fuzz.ratio(sound, self.sound_of[pk]))
                if score >= conf.NAME_MATCH_SCORE:
                    found.setdefault(pk, (Reason.NAME, score))
        return found


def find_probable_matches():
    """Record the probable matches of current list entries and ID-refused rows; returns new count."""
    roll = _Roll()
    known = set(ProbableMatch.unscoped.values_list("entry_id", "row_id", "student_id"))
    new = []
    entries = AgencyListEntry.unscoped.current().values_list("pk", "id_number", "name")
    for pk, id_number, name in entries.iterator(chunk_size=5000):
        if id_number in roll.ids:
            continue
        for student, (reason, score) in roll.candidates(id_number, name).items():
            if (pk, None, student) not in known:
                new.append(
                    ProbableMatch(
                        entry_id=pk,
                        student_id=student,
                        reason=reason,
                        score=score,
                        listed_id_number=id_number,
                        listed_name=name,
                    )
                )
    refused = ImportRow.unscoped.filter(
        accepted=False,
        batch__status=ImportBatch.Status.COMMITTED,
        batch__replaced_by__isnull=True,
    ).exclude(batch__kind="roll")
    for pk, id_number, name in refused.values_list("pk", "id_number", "name").iterator():
        if not id_number:
            continue
        for student, (reason, score) in roll.candidates(id_number, name).items():
            if reason != Reason.NAME and (None, pk, student) not in known:
                new.append(
                    ProbableMatch(
                        row_id=pk,
                        student_id=student,
                        reason=reason,
                        score=score,
                        listed_id_number=id_number[:40],
                        listed_name=name[:50],
                    )
                )
    ProbableMatch.unscoped.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def decide(match, user, confirmed):
    """Confirm (the list takes the child's ID number) or reject a probable match; logged."""
    with transaction.atomic():
        claimed = ProbableMatch.unscoped.filter(pk=match.pk, state=ProbableMatch.State.OPEN).update(
            state=ProbableMatch.State.CONFIRMED if confirmed else ProbableMatch.State.REJECTED,
            decided_by=user,
            decided_at=timezone.now(),
        )
        if not claimed:
            return False
        match.refresh_from_db()
        if confirmed:
            _correct_list(match)
            # Other suggestions for the same list row are settled by this one.
            ProbableMatch.unscoped.filter(
                state=ProbableMatch.State.OPEN, entry_id=match.entry_id, row_id=match.row_id
            ).update(state=ProbableMatch.State.REJECTED, decided_by=user, decided_at=timezone.now())
        log_import(
            user,
            f"probable match #{match.pk} {'confirmed' if confirmed else 'rejected'}: "
            f"{match.listed_id_number} → student #{match.student_id}",
        )
    return True


def _correct_list(match):
    student = match.student
    if match.entry_id:
        entry = match.entry
        twin = AgencyListEntry.unscoped.filter(kind=entry.kind, id_number=student.id_number)
        if twin.exists():
            # The list already has the child under the right number: the typo goes.
            entry.removed_on = timezone.localdate()
            entry.save(update_fields=["removed_on"])
        else:
            entry.id_number = student.id_number
            entry.save(update_fields=["id_number"])
        return
    row = match.row
    data = row.data or {}
    AgencyListEntry.unscoped.get_or_create(
        kind=row.batch.kind,
        id_number=student.id_number,
        defaults={
            "name": row.name or student.name,
            "township": str(data.get("township") or "")[:50],
            "village": str(data.get("village") or "")[:50],
            "household_head": str(data.get("household_head") or "")[:50],
            "batch": row.batch,
        },
    )
