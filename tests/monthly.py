"""A small month of data (May 2020) whose checklist figures are counted by hand in the tests."""

import datetime

from django.urls import reverse

from casework.models import Case, Finding, MonthlyReport
from tests import factories as f

MAY = datetime.date(2020, 5, 1)


def may_data(d):
    """Cases, visits, support and findings in and around May 2020 at 甲校 (a) and 乙校 (b).

    By hand, for May 2020:
      item 3 (dropout): opened in May 甲校 2; open at the end 2 (s1, s3; s2 closed 05-28);
        visits 3; returned 甲校 1 (s1), 乙校 1 (s3, twice); aid 800.00 to 1 child at 乙校;
        closed off 甲校 1.
      item 2 (aid): opened in May 甲校 1; open at the end 1; aid 1000 + 500 = 1500.00 to one
        child at 甲校 (the 300 of June and the tutoring without an amount do not count), and,
        as item 2 reports all aid, item 3's 800.00 at 乙校: 2300.00 to 2 children.
      item 5 (layout): found in May 乙校 1 (05-04), 甲校 1 (05-18); open at the end 2 (甲校's
        two; 乙校's closed 05-25); closed off in May 乙校 1.
    """
    a, b = d["a"], d["b"]
    s1, s2, s4 = (f.make_student(a, name=n) for n in ("张一", "张二", "张四"))
    s3 = f.make_student(b, name="李三")
    c1 = f.make_case(s1, opened_on=datetime.date(2020, 5, 3))
    c2 = f.make_case(
        s2,
        opened_on=datetime.date(2020, 5, 12),
        status=Case.Status.CLOSED,
        closed_on=datetime.date(2020, 5, 28),
        close_reason="已复学",
        close_verification="班主任核实",
    )
    c3 = f.make_case(s3, opened_on=datetime.date(2020, 4, 20))
    c4 = f.make_case(s4, concern="aid_missed", opened_on=datetime.date(2020, 5, 5))
    f.make_visit(c1, visited_on=datetime.date(2020, 5, 10), child_state="returned")
    f.make_visit(c3, visited_on=datetime.date(2020, 5, 15), child_state="returned")
    f.make_visit(c3, visited_on=datetime.date(2020, 5, 20), child_state="returned")
    f.make_visit(c3, visited_on=datetime.date(2020, 6, 2), child_state="returned")
    f.make_support(c3, amount=800, given_on=datetime.date(2020, 5, 16))
    f.make_support(c4, amount=1000, given_on=datetime.date(2020, 5, 6))
    f.make_support(c4, kind="boarding", amount=500, given_on=datetime.date(2020, 5, 7))
    f.make_support(c4, kind="tutoring", amount=None, given_on=datetime.date(2020, 5, 8))
    f.make_support(c4, amount=300, given_on=datetime.date(2020, 6, 2))
    item5 = f.ChecklistItem.objects.get(number=5)
    Finding.unscoped.create(
        school=b,
        checklist_item=item5,
        found_on=datetime.date(2020, 5, 4),
        problem="教室照明不足",
        rectification="更换照明灯具",
        status=Finding.Status.CLOSED,
        closed_on=datetime.date(2020, 5, 25),
        evidence="验收单",
    )
    Finding.unscoped.create(
        school=a,
        checklist_item=item5,
        found_on=datetime.date(2020, 5, 18),
        problem="运动场地面破损",
    )
    Finding.unscoped.create(
        school=a, checklist_item=item5, found_on=datetime.date(2020, 3, 1), problem="旧问题"
    )
    return {"cases": [c1, c2, c3, c4], "students": [s1, s2, s3, s4]}


def url(name, *args):
    return reverse(MonthlyReport.snippet_viewset.get_url_name(name), args=args)


def denied(response):
    """Wagtail's admin answers PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def rows_post_data(report, changes=None, action=None):
    """The edit form as the browser would post it, with some rows' text changed."""
    changes = changes or {}
    report = MonthlyReport.objects.get(pk=report.pk).get_latest_revision_as_object()
    rows = list(report.rows.all())
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(len(rows)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        values = {
            "problems_found": row.problems_found,
            "rectification": row.rectification,
            "remarks": row.remarks,
            **changes.get(row.number, {}),
        }
        data[f"rows-{i}-id"] = str(row.pk)
        data[f"rows-{i}-DELETE"] = ""
        for name, value in values.items():
            data[f"rows-{i}-{name}"] = value
    if action:
        data[action] = "1"
    return data
