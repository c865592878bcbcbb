"""A living demo ledger: fictional children and cases at the demo schools (never real people)."""

import datetime

from django.utils import timezone

from casework.choices import CONCERN_CHECKLIST_ITEM, ChildState, Concern, RiskLevel
from casework.dates import Term, week_monday
from casework.idnumbers import check_digit
from casework.models import (
    Case,
    ChecklistItem,
    Finding,
    HomeVisit,
    School,
    Student,
    SupportRecord,
    TermFigures,
    WeeklyReport,
)
from casework.weekly.figures import prefill

# (school key, name, gender, birth date, circumstances, concern, risk)
CHILDREN = [
    (
        "A",
        "李小禾",
        "F",
        datetime.date(2015, 4, 18),
        {"is_registered_poor": True, "poverty_exit_year": 2018},
        Concern.AID_MISSED,
        RiskLevel.MEDIUM,
    ),
    (
        "A",
        "王晨阳",
        "M",
        datetime.date(2016, 9, 2),
        {"is_left_behind": True, "lives_with": "grandparents"},
        Concern.LEFT_BEHIND,
        RiskLevel.MEDIUM,
    ),
    (
        "A",
        "张一诺",
        "M",
        datetime.date(2014, 10, 27),
        {"is_dibao": True},
        Concern.DROPOUT_RISK,
        RiskLevel.HIGH,
    ),
    (
        "A",
        "马欣怡",
        "F",
        datetime.date(2017, 6, 11),
        {
            "is_disabled": True,
            "disability_category": "hearing",
            "disability_grade": 3,
            "placement": "regular_class",
        },
        Concern.DISABILITY,
        RiskLevel.LOW,
    ),
    (
        "A",
        "赵子轩",
        "M",
        datetime.date(2018, 11, 5),
        {"is_registered_poor": True},
        Concern.ONLINE_LEARNING,
        RiskLevel.MEDIUM,
    ),
    (
        "B",
        "杨雨桐",
        "F",
        datetime.date(2009, 3, 30),
        {"is_tekun": True},
        Concern.DROPOUT_RISK,
        RiskLevel.HIGH,
    ),
    ("B", "周浩然", "M", datetime.date(2011, 12, 19), {}, Concern.AID_WRONG, RiskLevel.LOW),
    (
        "B",
        "吴思彤",
        "F",
        datetime.date(2012, 8, 8),
        {"is_left_behind": True, "lives_with": "relatives"},
        Concern.OTHER,
        RiskLevel.LOW,
    ),
]


def _id_number(born, seq, gender):
    # The 17th digit fits the gender: odd for a boy, even for a girl (GB 11643).
    first17 = f"640202{born:%Y%m%d}{800 + 2 * seq + (gender == 'M'):03d}"
    return first17 + check_digit(first17)


#: The grades each kind of school teaches.
GRADES = {
    School.Kind.PRIMARY: (1, 6),
    School.Kind.JUNIOR: (7, 9),
    School.Kind.NINE_YEAR: (1, 9),
}


def _grade(born, today, school):
    """The grade of a child entering grade 1 in the September after turning six, in the school's range."""
    school_year = today.year if today.month >= 9 else today.year - 1
    entered = born.year + 6 if born.month < 9 else born.year + 7
    low, high = GRADES.get(school.kind, (1, 9))
    return f"{min(high, max(low, school_year - entered + 1))}年级"


def load_demo_ledger(users, schools):
    """Create the fictional ledger once; running it again changes nothing."""
    first = CHILDREN[0]
    if Student.unscoped.filter(id_number=_id_number(first[3], 0, first[2])).exists():
        return
    today = timezone.localdate()
    items = {i.number: i for i in ChecklistItem.objects.all()}
    if not items:
        return  # the seed is not loaded; cases need the checklist
    teachers = {"A": users["teacher_a"], "B": users["teacher_b"]}
    for seq, (key, name, gender, born, circumstances, concern, risk) in enumerate(CHILDREN):
        student = Student.unscoped.create(
            name=name,
            gender=gender,
            birth_date=born,
            id_number=_id_number(born, seq, gender),
            student_number=f"G{_id_number(born, seq, gender)}",
            school=schools[key],
            grade=_grade(born, today, schools[key]),
            class_name=f"{seq % 3 + 1}班",
            guardian_name=name[0] + "某某",
            guardian_relation="父亲" if seq % 2 else "祖母",
            phone=f"1390952{seq:04d}",
            hukou_township=schools[key].township,
            hukou_village="示例村",
            **circumstances,
        )
        case = Case.unscoped.create(
            student=student,
            concern=concern,
            risk=risk,
            teacher=teachers[key],
            checklist_item=items[CONCERN_CHECKLIST_ITEM.get(concern, 4)],
            opened_on=today - datetime.timedelta(days=40 - seq),
            summary=f"{name}：{concern.label}，点对点帮扶。",
        )
        first = today - datetime.timedelta(days=30 - seq)
        HomeVisit.unscoped.create(
            case=case,
            visited_on=first,
            visitors=teachers[key].last_name + "老师",
            child_state=ChildState.SUSPECTED_DROPOUT
            if concern == Concern.DROPOUT_RISK
            else ChildState.IN_SCHOOL,
            findings="入户了解家庭情况，孩子在家。",
            actions="每周电话联系家长",
            next_visit_due=first + datetime.timedelta(days=14),
        )
        if seq % 2 == 0:
            second = today - datetime.timedelta(days=10 - seq)
            HomeVisit.unscoped.create(
                case=case,
                visited_on=min(second, today),
                visitors=teachers[key].last_name + "老师",
                mode=HomeVisit.Mode.PHONE,
                child_state=ChildState.RETURNED
                if concern == Concern.DROPOUT_RISK
                else ChildState.IN_SCHOOL,
                findings="电话回访，孩子按时到校。",
                next_visit_due=today + datetime.timedelta(days=seq - 3),
            )
        SupportRecord.unscoped.create(
            case=case,
            kind=SupportRecord.Kind.GRANT if seq % 3 else SupportRecord.Kind.TUTORING,
            amount=500 if seq % 3 else None,
            given_on=first,
            funding_source="义务教育家庭经济困难学生生活补助",
            given_by="学校资助办",
        )
        case.refresh_next_visit_due()
    Finding.unscoped.create(
        school=schools["B"],
        checklist_item=items[7],
        problem="教学楼暖气管道老化，存在渗漏隐患。",
        rectification="已报规划财务室列入维修计划。",
        deadline=today + datetime.timedelta(days=30),
    )
    Finding.unscoped.create(
        school=schools["A"],
        checklist_item=items[6],
        problem="英语学科教师缺编1人。",
        deadline=today + datetime.timedelta(days=60),
    )


# (school key, school-age population, enrolled, transferred known, unknown, long leave)
TERM_FIGURES = [("A", 1260, 1248, 9, 1, 2), ("B", 430, 421, 5, 2, 1)]


def load_demo_reports(users, schools):
    """This term's 两清两明 figures, and school A's weekly reports of the last three weeks."""
    today = timezone.localdate()
    school_year, term = Term.of(today)
    for key, population, enrolled, known, unknown, leave in TERM_FIGURES:
        TermFigures.unscoped.get_or_create(
            school=schools[key],
            school_year=school_year,
            term=term,
            defaults={
                "school_age_population": population,
                "enrolled": enrolled,
                "transferred_known": known,
                "transferred_unknown": unknown,
                "long_leave": leave,
                "updated_by": users["manager_a"] if key == "A" else None,
            },
        )
    this_week = week_monday(today)
    for weeks_ago in (3, 2, 1):
        week = this_week - datetime.timedelta(weeks=weeks_ago)
        figures = prefill(schools["A"], week)
        WeeklyReport.unscoped.get_or_create(
            school=schools["A"],
            week_start=week,
            defaults={
                **figures,
                "computed": figures,
                "status": WeeklyReport.Status.SUBMITTED,
                "submitted_at": timezone.now(),
                "submitted_by": users["manager_a"],
            },
        )
