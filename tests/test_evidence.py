"""Evidence: re-encoded without EXIF, scoped and logged downloads, refused files keep the form;
campaign visits to a household without a case, and the coverage they raise."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from casework.models import AccessLog, Attachment, CampaignVisit, HomeVisit
from tests import factories as f


def jpeg_with_gps():
    image = Image.new("RGB", (3000, 1500), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (38.0, 59.0, 30.0), 3: "E", 4: (106.0, 23.0, 10.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the fixture carries GPS
    return data


def visit_data(**overrides):
    data = {
        "visited_on": "2025-03-10",
        "child_state": "in_school",
        "findings": "家长在家，孩子按时到校。",
        "next_visit_due": "2025-03-20",
        "mode": "home",
        "visitors": "李老师",
    }
    data.update(overrides)
    return data


@pytest.fixture
def logged_in(client, two_schools, media_root):
    client.force_login(two_schools["users"]["teacher_a"])
    return client


@pytest.mark.django_db
def test_a_gps_photo_is_stored_without_exif_and_scaled_down(logged_in, two_schools):
    case = two_schools["case_a"]
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")

    response = logged_in.post(
        reverse("casework_quick_visit", args=[case.pk]), {**visit_data(), "photos": [photo]}
    )

    assert response.status_code == 302
    attachment = Attachment.unscoped.get()
    assert attachment.home_visit == HomeVisit.unscoped.get(case=case)
    with attachment.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
    exif = image.getexif()
    assert not exif.get_ifd(0x8825)  # no GPS position
    assert len(exif) == 0 and "exif" not in image.info
    assert max(image.size) == 2000
    # Not under MEDIA_ROOT, which the web server may serve.
    assert str(media_root_path(attachment)).find("/media/") == -1


def media_root_path(attachment):
    return attachment.file.path


@pytest.mark.django_db
def test_a_disguised_file_is_refused_and_the_form_keeps_what_was_typed(logged_in, two_schools):
    case = two_schools["case_a"]
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500, content_type="image/jpeg")
    findings = "孩子在外打工，家长不同意返校。"

    response = logged_in.post(
        reverse("casework_quick_visit", args=[case.pk]),
        {**visit_data(findings=findings), "files": [exe]},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "photo.jpg 不是照片或 PDF" in html
    assert findings in html
    assert not HomeVisit.unscoped.exists() and not Attachment.unscoped.exists()


@pytest.mark.django_db
def test_an_oversized_file_is_refused(logged_in, two_schools, settings):
    settings.CASEWORK = {"EVIDENCE_MAX_BYTES": 1000}
    case = two_schools["case_a"]
    photo = SimpleUploadedFile("big.jpg", jpeg_with_gps(), content_type="image/jpeg")

    response = logged_in.post(
        reverse("casework_quick_visit", args=[case.pk]), {**visit_data(), "photos": [photo]}
    )

    assert response.status_code == 200
    assert "big.jpg" in response.content.decode() and "最多" in response.content.decode()
    assert not HomeVisit.unscoped.exists()


def stored_attachment(record, user):
    from casework.evidence.processing import process_upload
    from casework.evidence.services import attach

    upload = SimpleUploadedFile("p.jpg", jpeg_with_gps())
    return attach(record, process_upload(upload), user)


@pytest.mark.django_db
def test_another_schools_attachment_is_a_404_and_a_download_is_logged(
    client, two_schools, media_root
):
    users = two_schools["users"]
    visit_b = f.make_visit(two_schools["case_b"])
    attachment = stored_attachment(visit_b, users["teacher_b"])
    url = reverse("casework_evidence_download", args=[attachment.pk])
    thumb = reverse("casework_evidence_thumbnail", args=[attachment.pk])

    client.force_login(users["teacher_a"])
    assert client.get(url).status_code == 404
    assert client.get(thumb).status_code == 404
    assert not AccessLog.objects.filter(action="download").exists()

    client.force_login(users["teacher_b"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    log = AccessLog.objects.get(action="download")
    assert log.user == users["teacher_b"] and log.case == two_schools["case_b"]


@pytest.mark.django_db
def test_deleting_is_kept_in_the_history_and_only_for_the_uploader_or_manager(
    client, two_schools, media_root
):
    users = two_schools["users"]
    other_teacher = f.make_user("teacher_a2", "teacher", school=two_schools["a"])
    attachment = stored_attachment(f.make_visit(two_schools["case_a"]), users["teacher_a"])
    url = reverse("casework_evidence_delete", args=[attachment.pk])

    client.force_login(other_teacher)
    client.post(url)  # refused: Wagtail sends the user back to the dashboard
    attachment.refresh_from_db()
    assert attachment.deleted_at is None
    client.force_login(users["manager_a"])
    assert client.post(url).status_code == 302
    attachment.refresh_from_db()
    assert attachment.deleted_at is not None and attachment.deleted_by == users["manager_a"]
    assert (
        client.get(reverse("casework_evidence_download", args=[attachment.pk])).status_code == 404
    )


@pytest.mark.django_db
def test_a_campaign_visit_covers_siblings_and_raises_the_class_coverage(
    client, two_schools, media_root
):
    school = two_schools["a"]
    users = two_schools["users"]
    family = {"guardian_name": "张大山", "address": "红旗村3组12号", "hukou_village": "红旗村"}
    elder = f.make_student(school, name="张一", grade="五年级", class_name="1班", **family)
    f.make_student(school, name="张二", grade="二年级", class_name="3班", **family)
    f.make_student(school, name="李三", grade="五年级", class_name="1班", guardian_name="李四")
    client.force_login(users["manager_a"])
    coverage_url = reverse("casework_campaign_coverage")
    before = client.get(coverage_url).context["figures"]
    grade5 = next(t for t in before["classes"] if "五年级1班" in t.label)
    assert (grade5.visited, grade5.total) == (0, 2)

    client.force_login(users["teacher_a"])
    signature = "data:image/png;base64," + __import__("base64").b64encode(png()).decode()
    response = client.post(
        reverse("casework_campaign_visit", args=[elder.pk]),
        {
            "visited_on": timezone.localdate().isoformat(),
            "child_state": "in_school",
            "findings": "全家在家，两个孩子都按时到校。",
            "mode": "home",
            "visitors": "李老师",
            "signature": signature,
            "photos": [SimpleUploadedFile("v.jpg", jpeg_with_gps())],
            "risk": "medium",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    visit = CampaignVisit.unscoped.get()
    assert visit.case is None
    assert {a.kind for a in visit.attachments.all()} == {"photo", "signature"}
    client.force_login(users["manager_a"])
    after = client.get(coverage_url).context["figures"]
    by_label = {t.label: (t.visited, t.total) for t in after["classes"]}
    assert by_label[f"{school.name} 五年级1班"] == (1, 2)
    assert by_label[f"{school.name} 二年级3班"] == (1, 1)  # the sibling's class is covered too


def png():
    out = io.BytesIO()
    Image.new("RGBA", (600, 220), (0, 0, 0, 0)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_the_monthly_draft_counts_each_items_evidence_of_the_month(two_schools):
    """By hand, May 2020 (tests/monthly.py): item 3 has two photos on 张一's visit of 05-10, a
    receipt on 李三's aid of 05-16 and a close-off document of 张二's case: 4 (a third photo
    deleted and a photo uploaded in June do not count); item 5 has one after-photo: 1."""
    import datetime as dt

    from casework.models import Finding, MonthlyReport, SupportRecord
    from tests.monthly import MAY, may_data

    data = may_data(two_schools)
    c1, c2, c3, _c4 = data["cases"]
    may = timezone.make_aware(dt.datetime(2020, 5, 20, 10))
    june = timezone.make_aware(dt.datetime(2020, 6, 2, 10))

    def kept(when, deleted=False, **target):
        record = next(iter(target.values()))
        Attachment.unscoped.create(
            school_id=record.log_school_id,
            file="x.jpg",
            content_type="image/jpeg",
            size=1,
            uploaded_at=when,
            deleted_at=when if deleted else None,
            **target,
        )

    visit = HomeVisit.unscoped.get(case=c1)
    kept(may, home_visit=visit)
    kept(may, home_visit=visit)
    kept(may, deleted=True, home_visit=visit)
    kept(may, support_record=SupportRecord.unscoped.get(case=c3, amount=800))
    kept(may, case=c2)
    kept(june, home_visit=HomeVisit.unscoped.filter(case=c3).latest("visited_on"))
    kept(may, finding=Finding.unscoped.get(problem="教室照明不足"))

    rows = {row.number: row for row in MonthlyReport.draft(MAY).rows.all()}

    assert rows[3].figures["evidence"] == 4
    assert rows[3].rectification.endswith("销号1人（甲校1人）；附佐证材料 4 份。")
    assert rows[5].rectification.startswith("本月销号问题1个（乙校1个）；附佐证材料 1 份。")
    assert (
        rows[2].rectification == "落实资助资金2300.00元，惠及2人（乙校800.00元、甲校1500.00元）。"
    )
