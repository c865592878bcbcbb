"""督导抽查: the seeded monthly draw, and a review reviewed, answered and closed."""

import datetime

import pytest
from django.urls import reverse

from casework.models import Case, CaseReview
from casework.review import sampling
from casework.review.tasks import draw_monthly_sample
from casework.schedules import SCHEDULES
from tests import factories as f

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 11, 1)


@pytest.fixture
def files(two_schools):
    """Eight open cases at school A and school B's one, all opened before the month."""
    a = two_schools["a"]
    for _ in range(7):
        f.make_case(f.make_student(a), opened_on=datetime.date(2026, 9, 1))
    Case.unscoped.update(opened_on=datetime.date(2026, 9, 1))
    return two_schools


def test_the_draw_is_reproducible_and_sized_by_the_setting(files, settings):
    settings.CASEWORK = {"REVIEW_SAMPLE_SIZE": 3}
    first = [r.case_id for r in sampling.draw(MONTH)]
    assert len(first) == 4  # three of school A's eight, school B's only one
    CaseReview.unscoped.all().delete()
    assert [r.case_id for r in sampling.draw(MONTH)] == first
    # Drawing again keeps the month's sample as it is.
    assert sampling.draw(MONTH) == []
    review = CaseReview.unscoped.filter(school=files["a"]).first()
    assert review.seed == f"casework:2026-11:{files['a'].pk}"


def test_reviews_go_to_the_items_offices(files):
    # Item 3's offices are 基础教育室, 教育督导室 and 政工人事室: the office user is in one.
    sampling.draw(MONTH)
    assert set(CaseReview.unscoped.values_list("reviewer__username", flat=True)) == {"office"}


def test_the_monthly_draw_is_scheduled():
    names = {s.func for s in SCHEDULES}
    assert "casework.review.tasks.draw_monthly_sample" in names


def test_the_task_draws_in_the_system_scope(files):
    assert draw_monthly_sample() >= 1


def test_review_answer_close(client, files):
    sampling.draw(MONTH, today=datetime.date(2026, 11, 1))
    review = CaseReview.unscoped.filter(school=files["a"]).first()
    url = reverse("casework_review_detail", args=[review.pk])
    users = files["users"]

    client.force_login(users["office"])
    # A review without its points is refused with the field named, and nothing is saved.
    response = client.post(url, {"score": "150"})
    assert response.status_code == 200
    assert "请回答这一项" in response.content.decode()
    review.refresh_from_db()
    assert review.status == CaseReview.Status.ASSIGNED
    client.post(
        url,
        {
            "visits_on_time": "no",
            "support_recorded": "yes",
            "evidence_present": "yes",
            "close_justified": "n/a",
            "score": "70",
            "comments": "家访超期两次",
        },
    )
    review.refresh_from_db()
    assert (review.status, review.score) == (CaseReview.Status.REVIEWED, 70)

    # School B's manager does not exist; school A's manager answers. Another school's review
    # is not found for school A.
    client.force_login(users["manager_a"])
    other = CaseReview.unscoped.filter(school=files["b"]).first()
    assert client.get(reverse("casework_review_detail", args=[other.pk])).status_code == 404
    client.post(url, {"answer": "已补做家访并录入"})
    review.refresh_from_db()
    assert review.status == CaseReview.Status.ANSWERED

    # The teacher sees the review but cannot act on it.
    client.force_login(users["teacher_a"])
    assert client.post(url, {"answer": "x"}).status_code in (302, 403)

    client.force_login(users["office"])
    client.post(url, {"closing_note": "整改到位"})
    review.refresh_from_db()
    assert review.status == CaseReview.Status.CLOSED


def test_overdue_reviews_are_flagged(files):
    sampling.draw(MONTH, today=datetime.date(2026, 1, 1))
    assert CaseReview.unscoped.overdue().count() == CaseReview.unscoped.count()


def listed(response):
    """The review ids the list shows."""
    import re

    html = response.content.decode()
    if 'id="cw-reviews"' not in html:
        return []
    table = html.split('id="cw-reviews"')[1].split("</table>")[0]
    return [int(pk) for pk in re.findall(r"/reviews/(\d+)/", table)]


def test_the_list_filters_by_school_month_item_status_and_overdue(client, files):
    sampling.draw(MONTH, today=datetime.date(2026, 1, 1))  # every step long overdue
    a, b = files["a"], files["b"]
    in_a = set(CaseReview.unscoped.filter(school=a).values_list("pk", flat=True))
    in_b = set(CaseReview.unscoped.filter(school=b).values_list("pk", flat=True))
    assert in_a and in_b
    one = CaseReview.unscoped.filter(school=a).first()
    CaseReview.unscoped.filter(pk=one.pk).update(status="closed", closed_on=MONTH)
    index = reverse("casework_review_index")

    client.force_login(files["users"]["office"])
    assert set(listed(client.get(index))) == in_a | in_b
    assert set(listed(client.get(index, {"school": a.pk}))) == in_a
    assert set(listed(client.get(index, {"month": "2026-11"}))) == in_a | in_b
    assert listed(client.get(index, {"month": "2026-10"})) == []
    assert set(listed(client.get(index, {"status": "closed"}))) == {one.pk}
    # Closed reviews are never overdue.
    assert set(listed(client.get(index, {"school": a.pk, "overdue": "on"}))) == in_a - {one.pk}
    item3 = CaseReview.unscoped.filter(school=b).first().checklist_item
    assert set(listed(client.get(index, {"item": item3.pk}))) == set(
        CaseReview.unscoped.filter(checklist_item=item3).values_list("pk", flat=True)
    )
    bad = client.get(index, {"month": "十一月"})
    assert "月份：" in bad.content.decode() and listed(bad) == []

    # A school's manager is offered only their own school, and sees only its reviews.
    client.force_login(files["users"]["manager_a"])
    response = client.get(index, {"school": b.pk})
    assert listed(response) == []
    assert set(listed(client.get(index))) == in_a


def test_the_health_rows_reviews_link_lists_that_schools_overdue_reviews(client, files):
    sampling.draw(MONTH, today=datetime.date(2026, 1, 1))
    a = files["a"]
    client.force_login(files["users"]["office"])
    html = client.get(reverse("casework_supervision_overview")).content.decode()
    row = html.split(f'data-school="{a.pk}"')[1].split("</tr>")[0]
    link = f"{reverse('casework_review_index')}?school={a.pk}&amp;overdue=on"
    assert link in row
    shown = listed(client.get(link.replace("&amp;", "&")))
    assert set(shown) == set(CaseReview.unscoped.filter(school=a).values_list("pk", flat=True))


def test_the_filtered_list_is_exported_and_the_export_logged(client, files):
    import io

    from openpyxl import load_workbook

    from casework.access.models import AccessLog

    sampling.draw(MONTH)
    a = files["a"]
    count_a = CaseReview.unscoped.filter(school=a).count()
    export = reverse("casework_review_export")

    client.force_login(files["users"]["office"])
    index = client.get(reverse("casework_review_index"), {"school": a.pk}).content.decode()
    assert f"{export}?school={a.pk}" in index and "导出" in index
    response = client.get(export, {"school": a.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("月份", "学校", "个案")
    assert len(rows) - 1 == count_a
    assert {r[1] for r in rows[1:]} == {"甲校"}
    log = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).latest("pk")
    assert (log.user.username, log.row_count) == ("office", count_a)
    assert log.filters == {"school": str(a.pk)}

    # A school's staff export their own reviews with case numbers, not the children's names.
    client.force_login(files["users"]["manager_a"])
    rows = list(
        load_workbook(io.BytesIO(client.get(export).content)).active.iter_rows(values_only=True)
    )
    assert rows[0][2] == "个案编号"
    assert {r[2] for r in rows[1:]} == set(
        CaseReview.unscoped.filter(school=a).values_list("case_id", flat=True)
    )
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 2
