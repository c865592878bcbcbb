"""对账销号: the school proposes, the office verifies or returns; only verified counts."""

import datetime

import pytest
from django.urls import reverse

from casework.models import Case, ChecklistItem, CloseOff, Finding
from casework.monthly.figures import item_figures

pytestmark = pytest.mark.django_db


def propose_url(kind, pk):
    return reverse("casework_closeoff:propose", args=[kind, pk])


def test_round_trip_returned_once_then_verified_and_only_then_counted(client, two_schools):
    d = two_schools
    case = d["case_a"]
    item = case.checklist_item
    month = datetime.date.today().replace(day=1)

    # The school manager sees the button on the case file, then confirms on its own page.
    client.force_login(d["users"]["manager_a"])
    case_file = reverse(Case.snippet_viewset.get_url_name("inspect"), args=[case.pk])
    assert "申请销号" in client.get(case_file).content.decode()
    response = client.post(propose_url("case", case.pk), {"reason": "", "verification": ""})
    assert "请填写销号理由" in response.content.decode()
    client.post(propose_url("case", case.pk), {"reason": "已复学", "verification": "到校核实"})
    case.refresh_from_db()
    assert case.status == "pending"
    assert item_figures(item, month)["closed_total"] == 0

    # The responsible office (基础教育室 answers for item 3) returns it with a comment.
    closeoff = CloseOff.unscoped.get(case=case)
    client.force_login(d["users"]["office"])
    assert "待核验" in client.get(reverse("casework_closeoff:index")).content.decode()
    decide = reverse("casework_closeoff:decide", args=[closeoff.pk])
    response = client.post(decide, {"action": "return", "comment": ""})
    assert "请说明退回的理由" in response.content.decode()
    client.post(decide, {"action": "return", "comment": "未见到校记录"})
    case.refresh_from_db()
    assert case.status == "open"
    assert item_figures(item, month)["closed_total"] == 0

    # Proposed again, verified: now it is closed off and counted.
    client.force_login(d["users"]["manager_a"])
    client.post(propose_url("case", case.pk), {"reason": "已复学", "verification": "补交到校记录"})
    second = CloseOff.unscoped.get(case=case, state="pending")
    client.force_login(d["users"]["office"])
    client.post(reverse("casework_closeoff:decide", args=[second.pk]), {"action": "verify"})
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on == datetime.date.today()
    assert item_figures(item, month)["closed_total"] == 1

    # Both rounds and both steps in the history.
    notes = [c.note for c in case.status_changes.all()]
    assert any("未见到校记录" in n for n in notes)
    assert sum("已复学" in n for n in notes) == 2
    page = client.get(case_file).content.decode()
    assert "未见到校记录" in page and "已销号" in page


def test_an_office_not_responsible_for_the_item_cannot_verify(client, two_schools):
    from tests import factories as f

    d = two_schools
    other = f.make_user("planning", "office", office="规划财务室")
    closeoff = propose_directly(d["case_a"], d["users"]["manager_a"])
    client.force_login(other)
    client.post(reverse("casework_closeoff:decide", args=[closeoff.pk]), {"action": "verify"})
    d["case_a"].refresh_from_db()
    assert d["case_a"].status == "pending"


def test_the_proposer_cannot_verify_their_own_close_off(two_schools):
    from django.core.exceptions import PermissionDenied

    from casework.closeoff import services

    office = two_schools["users"]["office"]
    closeoff = services.propose(two_schools["case_a"], office, "已复学", "到校核实")
    with pytest.raises(PermissionDenied):
        services.verify(closeoff, office)


def test_another_school_cannot_open_the_close_off_pages(client, two_schools):
    d = two_schools
    closeoff = propose_directly(d["case_a"], d["users"]["manager_a"])
    client.force_login(d["users"]["teacher_b"])
    assert client.get(reverse("casework_closeoff:decide", args=[closeoff.pk])).status_code == 404
    assert client.get(propose_url("case", d["case_a"].pk)).status_code == 404


def test_the_edit_form_no_longer_closes_a_case_alone(client, two_schools):
    d = two_schools
    case = d["case_a"]
    client.force_login(d["users"]["manager_a"])
    data = {
        "student": case.student.pk,
        "concern": case.concern,
        "checklist_item": case.checklist_item.pk,
        "risk": case.risk,
        "status": "closed",
        "opened_on": case.opened_on.isoformat(),
        "teacher": d["users"]["teacher_a"].pk,
        "summary": case.summary,
    }
    response = client.post(reverse(Case.snippet_viewset.get_url_name("edit"), args=[case.pk]), data)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "open"


def propose_directly(case, user):
    from casework.closeoff import services

    return services.propose(case, user, "已复学", "到校核实")


def a_finding(school, number=5, deadline=None):
    return Finding.unscoped.create(
        school=school,
        checklist_item=ChecklistItem.objects.get(number=number),
        problem="教室照明不达标",
        deadline=deadline,
    )


def test_a_finding_is_closed_off_through_the_office_too(client, two_schools):
    from tests import factories as f

    d = two_schools
    finding = a_finding(d["a"], number=5)
    planning = f.make_user("planning", "office", office="规划财务室")
    client.force_login(d["users"]["manager_a"])
    client.post(
        propose_url("finding", finding.pk), {"reason": "更换灯具", "verification": "验收单"}
    )
    finding.refresh_from_db()
    assert finding.status == "pending"
    client.force_login(planning)
    closeoff = CloseOff.unscoped.get(finding=finding)
    client.post(reverse("casework_closeoff:decide", args=[closeoff.pk]), {"action": "verify"})
    finding.refresh_from_db()
    assert finding.status == "closed" and finding.evidence == "验收单"


def test_a_finding_past_its_deadline_is_red_listed_and_counted(client, two_schools):
    d = two_schools
    late = a_finding(d["a"], deadline=datetime.date.today() - datetime.timedelta(days=3))
    a_finding(d["a"], deadline=datetime.date.today() + datetime.timedelta(days=3))
    assert list(Finding.unscoped.overdue()) == [late]
    client.force_login(d["users"]["manager_a"])
    page = client.get(reverse(Finding.snippet_viewset.get_url_name("list"))).content.decode()
    assert page.count('class="case-overdue"') == 1 and "申请销号" in page
    page = client.get(reverse("casework_closeoff:index")).content.decode()
    assert '<span class="cw-overdue" id="overdue-count">1</span>' in page
    figures = item_figures(late.checklist_item, datetime.date.today().replace(day=1))
    assert figures["overdue"] == 1


def test_a_proposal_carries_its_evidence_to_the_office(client, two_schools, media_root):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from casework.models import Attachment

    d = two_schools
    case = d["case_a"]
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(out, "JPEG")
    photo = SimpleUploadedFile("复学证明.jpg", out.getvalue(), content_type="image/jpeg")
    client.force_login(d["users"]["manager_a"])

    client.post(
        propose_url("case", case.pk),
        {"reason": "已复学", "verification": "到校核实", "files": [photo]},
    )

    attachment = Attachment.unscoped.get()
    assert attachment.case == case
    client.force_login(d["users"]["office"])
    closeoff = CloseOff.unscoped.get(case=case)
    page = client.get(reverse("casework_closeoff:decide", args=[closeoff.pk])).content.decode()
    assert reverse("casework_evidence_thumbnail", args=[attachment.pk]) in page


def test_a_refused_file_saves_no_proposal_and_keeps_the_text(client, two_schools, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    d = two_schools
    case = d["case_a"]
    program = SimpleUploadedFile(
        "证明.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg"
    )
    client.force_login(d["users"]["manager_a"])

    response = client.post(
        propose_url("case", case.pk),
        {"reason": "已复学", "verification": "到校核实", "files": [program]},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "到校核实" in page and "error-message" in page
    case.refresh_from_db()
    assert case.status != "pending"
    assert not CloseOff.unscoped.filter(case=case).exists()
