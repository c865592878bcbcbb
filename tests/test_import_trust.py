"""Imports people can trust: a blank list of each kind, and a chosen file kept on a form error."""

import io

import openpyxl
import pytest
from django.urls import reverse

from casework.models import ImportBatch
from casework.reconciliation import kept
from casework.reconciliation.models import ImportKind
from tests import workbooks as wb
from tests.factories import valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

UPLOAD = "/admin/casework/imports/upload/"
EXPECTED = {
    ImportKind.ROLL: [
        "姓名",
        "身份证号",
        "性别",
        "出生日期",
        "联系电话",
        "乡镇",
        "村",
        "家庭住址",
        "学籍号",
        "年级",
        "班级",
        "监护人",
        "与学生关系",
    ],
    ImportKind.POVERTY: [
        "姓名",
        "身份证号",
        "性别",
        "出生日期",
        "联系电话",
        "乡镇",
        "村",
        "家庭住址",
        "户主",
        "脱贫年份",
    ],
}


def roll():
    return wb.xlsx([["姓名", "身份证号"], ["张三", valid_id_number()]])


def headings(response):
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [c.value for c in sheet[2]], sheet["A1"].value


@pytest.mark.parametrize("kind", list(ImportKind))
def test_the_office_downloads_a_template_of_each_kind(client, two_schools, kind):
    client.force_login(two_schools["users"]["office"])
    response = client.get(reverse("casework_imports:template", args=[kind.value]))
    assert response.status_code == 200
    assert ".xlsx" in response["Content-Disposition"]
    row, title = headings(response)
    assert row[:2] == ["姓名", "身份证号"] and str(kind.label) in title
    if kind in EXPECTED:
        assert row[: len(EXPECTED[kind])] == EXPECTED[kind]


def test_the_upload_page_links_the_templates_the_user_may_upload(client, two_schools):
    client.force_login(two_schools["users"]["manager_a"])
    page = client.get(UPLOAD).content.decode()
    assert reverse("casework_imports:template", args=["roll"]) in page and "下载模板" in page
    assert reverse("casework_imports:template", args=["poverty"]) not in page
    # A school's manager imports the roll only: no other office's blank list.
    response = client.get(reverse("casework_imports:template", args=["poverty"]))
    assert response.status_code in (302, 403)


def test_the_template_is_read_back_as_a_list(client, two_schools):
    client.force_login(two_schools["users"]["manager_a"])
    response = client.get(reverse("casework_imports:template", args=["roll"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    book.active.append(["李四", valid_id_number()])
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        UPLOAD,
        {"kind": "roll", "school": two_schools["a"].pk, "file": wb.upload(out.getvalue())},
        follow=True,
    )
    batch = ImportBatch.unscoped.get()
    assert (batch.total_rows, batch.refused_rows) == (1, 0)


def test_the_chosen_file_is_kept_when_another_field_is_wrong(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    # A roll without its school: the school is wrong, the file was fine.
    response = client.post(UPLOAD, {"kind": "roll", "file": wb.upload(roll(), "甲校花名册.xlsx")})
    assert response.status_code == 200
    form = response.context["form"]
    assert "school" in form.errors and "file" not in form.errors
    page = response.content.decode()
    assert "已保留：甲校花名册.xlsx" in page
    token = form.data["kept_file"]
    assert f'value="{token}"' in page

    response = client.post(
        UPLOAD, {"kind": "roll", "school": two_schools["a"].pk, "kept_file": token}
    )
    batch = ImportBatch.unscoped.get()
    assert response.status_code == 302
    assert (batch.original_name, batch.school) == ("甲校花名册.xlsx", two_schools["a"])
    assert batch.file.size > 0


def test_without_a_file_or_a_kept_one_the_file_is_asked_for(client, two_schools):
    client.force_login(two_schools["users"]["office"])
    response = client.post(UPLOAD, {"kind": "roll", "school": two_schools["a"].pk})
    assert "请选择要上传的文件" in response.context["form"].errors["file"][0]


def test_a_kept_file_is_nobody_elses_and_read_once(client, two_schools):
    users = two_schools["users"]
    client.force_login(users["office"])
    response = client.post(UPLOAD, {"kind": "roll", "file": wb.upload(roll())})
    token = response.context["form"].data["kept_file"]
    assert kept.take(token, users["manager_a"]) is None
    assert kept.take(token + "x", users["office"]) is None
    assert kept.take(token, users["office"]) is not None
    assert kept.take(token, users["office"]) is None  # taken: the file is gone


def test_the_preview_shows_every_mapped_column(client, two_schools):
    client.force_login(two_schools["users"]["manager_a"])
    content = wb.xlsx(
        [
            ["姓名", "身份证号", "性别", "年级", "班级", "是否留守儿童"],
            ["张三", valid_id_number(gender="M"), "男", "三年级", "2班", "1-单亲留守儿童"],
        ]
    )
    response = client.post(
        UPLOAD,
        {"kind": "roll", "school": two_schools["a"].pk, "file": wb.upload(content)},
        follow=True,
    )
    batch = ImportBatch.unscoped.get()
    page = client.get(reverse("casework_imports:detail", args=[batch.pk]) + "?show=accepted")
    html = page.content.decode()
    for header in ("性别", "年级", "班级", "是否留守儿童"):
        assert f"<th>{header}</th>" in html
    for value in ("三年级", "2班", "<td>男</td>", "<td>是</td>"):
        assert value in html
    assert response.status_code == 200
