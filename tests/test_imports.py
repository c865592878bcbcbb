"""Importing rolls and other offices' lists: what the preview accepts and refuses, the commit."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl.utils.datetime import to_excel

from casework.access.scope import user_scope
from casework.idnumbers import check_digit
from casework.models import AccessLog, AgencyListEntry, ImportBatch, ImportRow, Student
from casework.reconciliation import checking, committing
from tests import workbooks as wb
from tests.factories import valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

BORN = datetime.date(2011, 6, 1)
HEADER = [
    "序号",
    "学生姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "全国学籍号",
    "年级",
    "班级",
    "监护人",
    "联系电话",
]


def an_id(seq, born=BORN):
    return valid_id_number(born, seq=seq)


def batch_of(kind, content, user, school=None, township="", name="名单.xlsx"):
    """Upload ``content`` as the given user would, and read it for the preview."""
    batch = ImportBatch(
        kind=kind,
        school=school,
        township=township,
        uploaded_by=user,
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    batch.file.save(name, ContentFile(content), save=False)
    batch.save()
    return checking.read_batch(batch)


def verdicts(batch):
    """{row number: (column, reason)} for refused rows and {row number: action} for accepted."""
    rows = ImportRow.unscoped.filter(batch=batch)
    refused = {r.row_number: (r.column, r.reason) for r in rows if not r.accepted}
    accepted = {r.row_number: r.action for r in rows if r.accepted}
    return accepted, refused


def messy_roll():
    """A roll the way a school office types it: every kind of mess the issue lists."""
    x_id = wb.id_ending_in_x(BORN)
    numeric_id = an_id(7)
    rows = [
        ["大武口区甲校2020年秋季学期学籍花名册"] + [None] * 9,  # row 1, merged title
        ["填报单位：甲校（盖章）", None, None, None, None, None, "填报日期：2020年9月"],
        HEADER,  # row 3
        # row 4: full-width digits and spaces in the ID, ISO date, phone stored as a number
        [
            1,
            "王小明",
            "男",
            wb.full_width(an_id(1)[:6]) + " " + an_id(1)[6:],
            "2011-06-01",
            "G1001",
            "三年级",
            "1班",
            "王大明",
            13912345678,
        ],
        # row 5: lower-case x, date written 2011年6月1日, grade left to the merged cell above
        [
            2,
            "李小红",
            "女",
            x_id.lower(),
            "2011年6月1日",
            "G1002",
            None,
            "1班",
            "李大红",
            "0952-2012345",
        ],
        # row 6: a space inside the name, date written 2011.06.01
        [3, "赵 小 刚", "男", an_id(3), "2011.06.01", "G1003", None, "2班", None, None],
        # row 7: date written 20110601 (as a number), gender left empty (read from the ID)
        [4, "钱小丽", None, an_id(4), 20110601, "G1004", "四年级", "1班", None, None],
        # row 8: date as an Excel serial number
        [
            5,
            "孙小军",
            "男",
            an_id(5),
            int(to_excel(datetime.datetime(2011, 6, 1))),
            "G1005",
            "四年级",
            "1班",
            None,
            None,
        ],
        # row 9: date as a real date cell
        [
            6,
            "周小芳",
            "女",
            an_id(6),
            datetime.datetime(2011, 6, 1),
            "G1006",
            "四年级",
            "1班",
            None,
            None,
        ],
        # row 10: bad check digit
        [
            7,
            "吴小亮",
            "男",
            wb.with_wrong_check_digit(an_id(10)),
            "2011-06-01",
            "G1007",
            "四年级",
            "1班",
            None,
            None,
        ],
        # row 11: old 15-digit ID
        [8, "郑小花", "女", "640202110601123", "2011-06-01", "G1008", "四年级", "1班", None, None],
        # row 12: impossible date of birth (there is no 30 February)
        [9, "冯小明", "男", an_id(12), "2011-02-30", "G1009", "四年级", "1班", None, None],
        # row 13: no name
        [10, None, "男", an_id(13), "2011-06-01", "G1010", "四年级", "1班", None, None],
        # row 14: row 4 again, word for word
        [
            1,
            "王小明",
            "男",
            wb.full_width(an_id(1)[:6]) + " " + an_id(1)[6:],
            "2011-06-01",
            "G1001",
            "三年级",
            "1班",
            "王大明",
            13912345678,
        ],
        # row 15: empty
        [None] * 10,
        # row 16: the ID's own date of birth is impossible
        [11, "陈小东", "男", _id_with_date("20111340"), None, "G1011", "四年级", "1班", None, None],
        # row 17: the date of birth column disagrees with the ID
        [12, "褚小西", "男", an_id(17), "2011-07-01", "G1012", "四年级", "1班", None, None],
        # row 18: an ID that Excel stored as a number (its last digits are lost)
        [13, "卫小南", "男", float(numeric_id), "2011-06-01", "G1013", "四年级", "1班", None, None],
        # row 19: a note under the table, merged across it
        ["制表人：张老师    审核人：王校长"] + [None] * 9,
    ]
    return wb.xlsx(rows, merges=["A1:J1", "G4:G6", "A19:J19"])


def _id_with_date(digits):
    first17 = f"640202{digits}001"
    return first17 + check_digit(first17)


def test_messy_roll_preview_accepts_and_refuses_exactly_the_right_rows(two_schools):
    d = two_schools
    batch = batch_of("roll", messy_roll(), d["users"]["manager_a"], school=d["a"])

    assert batch.status == ImportBatch.Status.PREVIEW
    assert (batch.sheet_name, batch.header_row) == ("Sheet1", 3)
    accepted, refused = verdicts(batch)
    assert accepted == {n: "create" for n in (4, 5, 6, 7, 8, 9)}
    assert refused == {
        10: ("公民身份号码", f"校验位错误（最后一位应为{an_id(10)[-1]}）。"),
        11: ("公民身份号码", "这是15位旧身份证号，请填写18位身份证号。"),
        12: ("出生日期", "“2011-02-30”不是真实存在的日期。"),
        13: ("学生姓名", "姓名缺失。"),
        14: ("公民身份号码", "与第4行重复（身份证号相同）。"),
        16: ("公民身份号码", "身份证号中的出生日期（20111340）不是有效日期。"),
        17: ("出生日期", "出生日期与身份证号不符，身份证号显示为2011年6月1日。"),
        18: (
            "公民身份号码",
            "Excel把这个身份证号存成了数字，末几位已经丢失；请把这一列设为文本格式后重新录入。",
        ),
    }
    assert (batch.total_rows, batch.accepted_rows, batch.refused_rows) == (14, 6, 8)
    # Nothing is written before the commit.
    assert not Student.unscoped.filter(name="王小明").exists()


def test_values_are_normalised_when_committed(two_schools):
    d = two_schools
    batch = batch_of("roll", messy_roll(), d["users"]["manager_a"], school=d["a"])
    committing.commit_batch(batch, d["users"]["manager_a"])

    wang = Student.unscoped.get(id_number=an_id(1))
    assert (wang.name, wang.gender, wang.birth_date) == ("王小明", "M", BORN)
    assert (wang.grade, wang.class_name, wang.phone) == ("三年级", "1班", "13912345678")
    assert wang.school == d["a"]
    li = Student.unscoped.get(id_number=wb.id_ending_in_x(BORN))  # the x is upper-cased
    assert (li.grade, li.phone) == ("三年级", "0952-2012345")  # grade from the merged cell
    assert Student.unscoped.get(student_number="G1003").name == "赵小刚"
    assert Student.unscoped.get(student_number="G1004").gender == "F"  # 17th digit is even
    assert Student.unscoped.filter(school=d["a"], student_number__startswith="G").count() == 6


def test_header_found_below_two_level_headings_and_on_a_later_sheet(two_schools):
    rows = [
        ["建档立卡学生名单"] + [None] * 4,
        ["基本信息", None, None, "家庭情况", None],
        ["姓名", "身份证号码", "性别", "户主姓名", "脱贫年份"],
        ["马小燕", an_id(30), "女", "马大山", "2018年"],
    ]
    content = wb.xlsx(
        rows,
        merges=["A1:E1", "A2:C2", "D2:E2"],
        title="名单",
        extra_sheets=[("说明", [["本表由扶贫办提供"]])],
    )
    batch = batch_of("poverty", content, two_schools["users"]["office"])
    assert (batch.sheet_name, batch.header_row, batch.accepted_rows) == ("名单", 3, 1)
    assert batch.columns == {
        "name": "姓名",
        "id_number": "身份证号码",
        "gender": "性别",
        "household_head": "户主姓名",
        "exit_year": "脱贫年份",
    }


def test_header_cells_merged_over_two_rows_are_read(two_schools):
    rows = [
        ["姓名", "身份证号", "家庭情况", None],
        [None, None, "户主", "脱贫年度"],
        ["马小燕", an_id(31), "马大山", 2017],
    ]
    batch = batch_of(
        "poverty", wb.xlsx(rows, merges=["A1:A2", "B1:B2", "C1:D1"]), two_schools["users"]["office"]
    )
    assert batch.header_row == 2
    committing.commit_batch(batch, two_schools["users"]["office"])
    entry = AgencyListEntry.unscoped.get(id_number=an_id(31))
    assert (entry.household_head, entry.poverty_exit_year) == ("马大山", 2017)


def test_a_file_without_a_recognisable_header_is_refused_whole(two_schools):
    content = wb.xlsx([["编号", "名称"], [1, "某某"]])
    batch = batch_of("poverty", content, two_schools["users"]["office"])
    assert batch.status == ImportBatch.Status.FAILED
    assert "姓名" in batch.message and "身份证号" in batch.message
    assert not ImportRow.unscoped.filter(batch=batch).exists()


def test_a_file_that_is_not_xlsx_is_refused_whole_and_kept(two_schools):
    batch = batch_of("poverty", "姓名,身份证号\n".encode(), two_schools["users"]["office"])
    assert batch.status == ImportBatch.Status.FAILED
    assert ".xlsx" in batch.message
    assert batch.file.read().decode() == "姓名,身份证号\n"


@pytest.mark.parametrize(
    "kind, header, cells, expected",
    [
        ("poverty", "脱贫年份", ["2018"], {"exit_year": 2018}),
        ("poverty", "脱贫年度", [2016], {"exit_year": 2016}),
        ("poverty", "脱贫时间", ["2017年度"], {"exit_year": 2017}),
        ("poverty", "脱贫年份", ["未脱贫"], {"exit_year": None}),
        ("civil_affairs", "救助类别", ["农村低保"], {"civil_category": "dibao"}),
        ("civil_affairs", "类别", ["特困供养"], {"civil_category": "tekun"}),
        ("disability", "残疾类别", ["肢体残疾"], {"disability_category": "physical"}),
        ("disability", "残疾等级", ["二级"], {"disability_grade": 2}),
        ("disability", "残疾级别", [3], {"disability_grade": 3}),
        ("population", "乡镇（街道）", ["星海镇"], {"township": "星海镇"}),
    ],
)
def test_agency_columns_are_read_with_their_synonyms(two_schools, kind, header, cells, expected):
    rows = [["儿童姓名", "身份证件号码", header], ["马小燕", an_id(40), *cells]]
    batch = batch_of(kind, wb.xlsx(rows), two_schools["users"]["office"])
    row = ImportRow.unscoped.get(batch=batch)
    assert row.accepted, row.reason
    for key, value in expected.items():
        assert row.data[key] == value


@pytest.mark.parametrize(
    "kind, header, cell, reason",
    [
        ("poverty", "脱贫年份", "2030", "2030年不可能是脱贫年份（应在2013—{this_year}年之间）。"),
        ("poverty", "脱贫年份", "去年", "“去年”不是年份。"),
        ("civil_affairs", "救助类别", "临时救助", "“临时救助”既不是低保也不是特困。"),
        (
            "disability",
            "残疾类别",
            "其他",
            "“其他”不是残疾类别（视力、听力、言语、肢体、智力、精神、多重）。",
        ),
        ("disability", "残疾等级", "五级", "“五级”不是残疾等级（一级至四级）。"),
        ("roll", "性别", "未知", "“未知”不是性别，请填写男或女。"),
    ],
)
def test_agency_values_that_make_no_sense_are_refused(two_schools, kind, header, cell, reason):
    rows = [["姓名", "身份证号", header], ["马小燕", an_id(41), cell]]
    user = two_schools["users"]["office"]
    batch = batch_of(kind, wb.xlsx(rows), user, school=two_schools["a"] if kind == "roll" else None)
    row = ImportRow.unscoped.get(batch=batch)
    this_year = datetime.date.today().year
    assert (row.accepted, row.column, row.reason) == (
        False,
        header,
        reason.format(this_year=this_year),
    )


def test_population_list_township_comes_from_merged_cells_or_the_form(two_schools):
    rows = [
        ["乡镇", "村", "姓名", "身份证号"],
        ["星海镇", "沟口村", "甲", an_id(50)],
        [None, None, "乙", an_id(51)],
        [None, "龙泉村", "丙", an_id(52)],
    ]
    office = two_schools["users"]["office"]
    batch = batch_of("population", wb.xlsx(rows, merges=["A2:A4", "B2:B3"]), office)
    committing.commit_batch(batch, office)
    got = dict(AgencyListEntry.unscoped.filter(kind="population").values_list("name", "village"))
    assert got == {"甲": "沟口村", "乙": "沟口村", "丙": "龙泉村"}
    assert set(AgencyListEntry.unscoped.values_list("township", flat=True)) == {"星海镇"}

    rows = [["姓名", "身份证号"], ["丁", an_id(53)]]
    batch = batch_of("population", wb.xlsx(rows), office, township="长胜街道")
    committing.commit_batch(batch, office)
    assert AgencyListEntry.unscoped.get(name="丁").township == "长胜街道"


def test_roll_never_takes_another_schools_child(two_schools):
    d = two_schools
    child_b = d["student_b"]
    rows = [
        ["姓名", "身份证号", "学籍号"],
        ["换了名字", child_b.id_number, "G9001"],
        ["新同学", an_id(60), "G9002"],
    ]
    batch = batch_of("roll", wb.xlsx(rows), d["users"]["manager_a"], school=d["a"])
    accepted, refused = verdicts(batch)
    assert accepted == {3: "create"}
    column, reason = refused[2]
    assert column == "身份证号"
    assert "其他学校" in reason
    # The refusal says nothing about the child or the school they are at.
    assert child_b.name not in reason and d["b"].name not in reason

    committing.commit_batch(batch, d["users"]["manager_a"])
    child_b.refresh_from_db()
    assert (child_b.school, child_b.name) == (d["b"], "乙校学生赵小红")


def test_student_number_of_another_child_is_refused(two_schools):
    d = two_schools
    Student.unscoped.filter(pk=d["student_b"].pk).update(student_number="G7777")
    rows = [["姓名", "身份证号", "学籍号"], ["新同学", an_id(61), "G7777"]]
    batch = batch_of("roll", wb.xlsx(rows), d["users"]["manager_a"], school=d["a"])
    assert verdicts(batch)[1] == {2: ("学籍号", "该学籍号已属于另一名学生。")}


def test_reimporting_the_same_file_duplicates_nothing(two_schools):
    d = two_schools
    manager = d["users"]["manager_a"]
    first = batch_of("roll", messy_roll(), manager, school=d["a"])
    committing.commit_batch(first, manager)
    count = Student.unscoped.count()

    second = batch_of("roll", messy_roll(), manager, school=d["a"])
    assert verdicts(second)[0] == {n: "unchanged" for n in (4, 5, 6, 7, 8, 9)}
    second = committing.commit_batch(second, manager)
    assert Student.unscoped.count() == count
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 6)


def test_two_previews_of_one_file_committed_one_after_the_other_create_once(two_schools):
    office = two_schools["users"]["office"]
    rows = [["姓名", "身份证号", "脱贫年份"], ["甲", an_id(70), 2018], ["乙", an_id(71), ""]]
    one = batch_of("poverty", wb.xlsx(rows), office)
    two = batch_of("poverty", wb.xlsx(rows), office)
    committing.commit_batch(one, office)
    two = committing.commit_batch(two, office)
    assert AgencyListEntry.unscoped.count() == 2
    assert (two.created_count, two.unchanged_count) == (0, 2)


def test_a_changed_list_updates_and_an_empty_cell_erases_nothing(two_schools):
    office = two_schools["users"]["office"]
    rows = [["姓名", "身份证号", "脱贫年份", "联系电话"], ["甲", an_id(72), 2018, 13900000000]]
    committing.commit_batch(batch_of("poverty", wb.xlsx(rows), office), office)
    rows = [["姓名", "身份证号", "脱贫年份", "联系电话"], ["甲", an_id(72), 2019, None]]
    batch = batch_of("poverty", wb.xlsx(rows), office)
    assert verdicts(batch)[0] == {2: "update"}
    batch = committing.commit_batch(batch, office)
    entry = AgencyListEntry.unscoped.get(id_number=an_id(72))
    assert (entry.poverty_exit_year, entry.phone, entry.batch) == (2019, "13900000000", batch)


def test_a_failure_in_the_middle_of_the_commit_writes_nothing(two_schools, monkeypatch):
    d = two_schools
    manager = d["users"]["manager_a"]
    rows = [["姓名", "身份证号"]] + [[f"学生{i}", an_id(100 + i)] for i in range(7)]
    batch = batch_of("roll", wb.xlsx(rows), manager, school=d["a"])
    before = Student.unscoped.count()

    monkeypatch.setattr(committing, "CHUNK", 3)
    real_write, calls = committing.write_students, []

    def write_then_fail(creates, updates):
        calls.append(len(creates))
        real_write(creates, updates)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(committing, "write_students", write_then_fail)
    batch = committing.commit_batch(batch, manager)

    assert calls == [3, 3]  # the first chunks were written before the failure...
    assert Student.unscoped.count() == before  # ...and rolled back with it
    assert batch.status == ImportBatch.Status.PREVIEW
    assert batch.message == "提交失败，没有写入任何数据。请重试；如果再次失败，请告知网站管理员。"
    assert not AccessLog.objects.filter(action="import").exists()

    monkeypatch.setattr(committing, "write_students", real_write)
    batch = committing.commit_batch(batch, manager)
    assert (batch.status, batch.created_count) == (ImportBatch.Status.COMMITTED, 7)
    assert Student.unscoped.count() == before + 7


def test_a_batch_cannot_be_committed_twice(two_schools):
    office = two_schools["users"]["office"]
    batch = batch_of("poverty", wb.xlsx([["姓名", "身份证号"], ["甲", an_id(80)]]), office)
    committing.commit_batch(batch, office)
    with pytest.raises(committing.CommitRefused):
        committing.commit_batch(batch, office)
    assert AgencyListEntry.unscoped.count() == 1


def test_a_child_put_on_another_roll_after_the_preview_is_refused_at_commit(two_schools):
    d = two_schools
    rows = [["姓名", "身份证号"], ["甲", an_id(81)], ["乙", an_id(82)]]
    batch = batch_of("roll", wb.xlsx(rows), d["users"]["manager_a"], school=d["a"])
    Student.unscoped.create(
        school=d["b"], name="甲", id_number=an_id(81), birth_date=BORN, gender="M"
    )
    batch = committing.commit_batch(batch, d["users"]["manager_a"])
    assert (batch.created_count, batch.accepted_rows, batch.refused_rows) == (1, 1, 1)
    assert Student.unscoped.get(id_number=an_id(81)).school == d["b"]
    assert "其他学校" in ImportRow.unscoped.get(batch=batch, row_number=2).reason


def test_commit_is_recorded_with_who_and_how_many(two_schools):
    office = two_schools["users"]["office"]
    batch = batch_of("poverty", wb.xlsx([["姓名", "身份证号"], ["甲", an_id(83)]]), office)
    batch = committing.commit_batch(batch, office)
    assert (batch.committed_by, batch.status) == (office, ImportBatch.Status.COMMITTED)
    log = AccessLog.objects.get(action="import")
    assert (log.user, log.row_count) == (office, 1)


def test_the_import_record_names_people_family_name_first(client, two_schools):
    office = two_schools["users"]["office"]
    office.last_name, office.first_name = "张", "科员"
    office.save()
    batch = batch_of("poverty", wb.xlsx([["姓名", "身份证号"], ["甲", an_id(84)]]), office)
    committing.commit_batch(batch, office)
    client.force_login(office)
    for view, args in (("index", []), ("detail", [batch.pk])):
        page = client.get(reverse(f"casework_imports:{view}", args=args)).content.decode()
        assert "张科员" in page and "科员 张" not in page, view


# --- through the admin ---------------------------------------------------------------------


def login(client, user):
    client.force_login(user)
    return client


def test_school_manager_uploads_previews_and_commits_the_roll(client, two_schools):
    d = two_schools
    login(client, d["users"]["manager_a"])
    response = client.post(
        reverse("casework_imports:upload"),
        {"kind": "roll", "school": d["a"].pk, "file": wb.upload(messy_roll(), "甲校花名册.xlsx")},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "共读取14行：接受6行，拒绝8行。" in page
    assert "校验位错误" in page and "与第4行重复（身份证号相同）。" in page
    batch = ImportBatch.unscoped.get()
    assert (batch.original_name, batch.uploaded_by, batch.school) == (
        "甲校花名册.xlsx",
        d["users"]["manager_a"],
        d["a"],
    )
    assert batch.file.name.startswith("casework/imports/") and batch.file.size > 0

    response = client.get(reverse("casework_imports:detail", args=[batch.pk]) + "?show=accepted")
    assert "王小明" in response.content.decode()

    response = client.post(reverse("casework_imports:commit", args=[batch.pk]), follow=True)
    assert "已提交：新增6条" in response.content.decode()
    assert Student.unscoped.filter(school=d["a"]).count() == 7

    response = client.get(reverse("casework_imports:file", args=[batch.pk]))
    assert b"".join(response.streaming_content) == messy_roll_bytes(batch)


def messy_roll_bytes(batch):
    with batch.file.open("rb") as f:
        return f.read()


def test_a_school_manager_cannot_upload_another_schools_roll(client, two_schools):
    d = two_schools
    login(client, d["users"]["manager_a"])
    response = client.post(
        reverse("casework_imports:upload"),
        {"kind": "roll", "school": d["b"].pk, "file": wb.upload(messy_roll())},
    )
    assert response.status_code == 200
    assert not ImportBatch.unscoped.exists()


def test_a_school_manager_cannot_upload_other_offices_lists(client, two_schools):
    login(client, two_schools["users"]["manager_a"])
    content = wb.xlsx([["姓名", "身份证号"], ["甲", an_id(90)]])
    response = client.post(
        reverse("casework_imports:upload"), {"kind": "poverty", "file": wb.upload(content)}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "poverty" not in [c[0] for c in response.context["form"].fields["kind"].choices]
    assert not ImportBatch.unscoped.exists()


def test_only_xlsx_files_are_taken(client, two_schools):
    login(client, two_schools["users"]["office"])
    response = client.post(
        reverse("casework_imports:upload"),
        {"kind": "poverty", "file": wb.upload(b"a,b", "名单.csv")},
    )
    assert "请上传 .xlsx 文件。" in response.content.decode()
    assert not ImportBatch.unscoped.exists()


def test_a_large_file_is_read_and_committed_by_the_worker(client, two_schools, settings):
    settings.CASEWORK = {**settings.CASEWORK, "IMPORT_INLINE_BYTES": 0}
    office = two_schools["users"]["office"]
    login(client, office)
    rows = [["姓名", "身份证号"]] + [[f"学生{i}", an_id(200 + i)] for i in range(30)]
    client.post(
        reverse("casework_imports:upload"),
        {"kind": "poverty", "file": wb.upload(wb.xlsx(rows))},
    )
    batch = ImportBatch.unscoped.get()
    assert (batch.status, batch.progress, batch.accepted_rows) == ("preview", 100, 30)
    from django_q.models import Task

    assert Task.objects.filter(name=f"import-read-{batch.pk}-0", success=True).exists()
    client.post(reverse("casework_imports:commit", args=[batch.pk]))
    assert Task.objects.filter(name=f"import-commit-{batch.pk}-1", success=True).exists()
    assert AgencyListEntry.unscoped.count() == 30


def test_progress_page_refreshes_itself_while_the_import_runs(client, two_schools):
    office = two_schools["users"]["office"]
    batch = batch_of("poverty", wb.xlsx([["姓名", "身份证号"], ["甲", an_id(91)]]), office)
    ImportBatch.unscoped.filter(pk=batch.pk).update(status="reading", progress=40)
    login(client, office)
    page = client.get(reverse("casework_imports:detail", args=[batch.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="40"' in page


def test_the_same_file_again_is_flagged_in_the_preview(client, two_schools):
    office = two_schools["users"]["office"]
    content = wb.xlsx([["姓名", "身份证号"], ["甲", an_id(92)]])
    committing.commit_batch(batch_of("poverty", content, office), office)
    again = batch_of("poverty", content, office)
    login(client, office)
    page = client.get(reverse("casework_imports:detail", args=[again.pk])).content.decode()
    assert "同一文件已于" in page


def test_the_record_page_dates_the_upload_as_chinese_readers_write_it(client, two_schools):
    office = two_schools["users"]["office"]
    batch = batch_of("poverty", wb.xlsx([["姓名", "身份证号"], ["甲", an_id(93)]]), office)
    ImportBatch.unscoped.filter(pk=batch.pk).update(
        uploaded_at=datetime.datetime(2026, 11, 5, 1, 30, tzinfo=datetime.UTC)
    )
    login(client, office)
    page = client.get(reverse("casework_imports:detail", args=[batch.pk])).content.decode()
    assert "2026年11月5日 09:30" in page  # Asia/Shanghai
    assert "2026-11-05" not in page


# --- who may do what -------------------------------------------------------------------------


@pytest.fixture
def batches(two_schools):
    d = two_schools
    roll = [["姓名", "身份证号"], ["甲", an_id(95)]]
    return {
        "roll_a": batch_of("roll", wb.xlsx(roll), d["users"]["manager_a"], school=d["a"]),
        "poverty": batch_of(
            "poverty", wb.xlsx([["姓名", "身份证号"], ["乙", an_id(96)]]), d["users"]["office"]
        ),
    }


DENIED = "denied"  # Wagtail sends the user back to the dashboard with a message


@pytest.mark.parametrize(
    "view, expected",
    [
        (
            "index",
            {
                "teacher_a": 200,
                "manager_a": 200,
                "office": 200,
                "leader_wan": 200,
                "editor": DENIED,
            },
        ),
        (
            "upload",
            {
                "teacher_a": DENIED,
                "manager_a": 200,
                "office": 200,
                "leader_wan": DENIED,
                "editor": DENIED,
            },
        ),
        (
            "detail_roll_a",
            {
                "teacher_a": 200,
                "teacher_b": 404,
                "manager_a": 200,
                "office": 200,
                "leader_wan": 200,
                "editor": DENIED,
            },
        ),
        ("detail_poverty", {"teacher_a": 404, "manager_a": 404, "office": 200, "leader_wan": 200}),
        ("file_roll_a", {"teacher_a": 200, "teacher_b": 404, "office": 200, "editor": DENIED}),
        (
            "reconcile",
            {
                "teacher_a": DENIED,
                "manager_a": DENIED,
                "office": 200,
                "leader_wan": 200,
                "editor": DENIED,
            },
        ),
    ],
)
def test_who_may_see_what(client, two_schools, batches, view, expected):
    urls = {
        "index": reverse("casework_imports:index"),
        "upload": reverse("casework_imports:upload"),
        "detail_roll_a": reverse("casework_imports:detail", args=[batches["roll_a"].pk]),
        "detail_poverty": reverse("casework_imports:detail", args=[batches["poverty"].pk]),
        "file_roll_a": reverse("casework_imports:file", args=[batches["roll_a"].pk]),
        "reconcile": reverse("casework_imports:reconcile"),
    }
    for username, status in expected.items():
        login(client, two_schools["users"][username])
        response = client.get(urls[view])
        if status == DENIED:
            assert response.status_code == 302, username
            assert response.url == reverse("wagtailadmin_home"), username
        else:
            assert response.status_code == status, username


def test_anonymous_users_are_sent_to_the_login(client, batches):
    for url in (
        reverse("casework_imports:index"),
        reverse("casework_imports:detail", args=[batches["roll_a"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize(
    "username, expected", [("teacher_a", DENIED), ("teacher_b", 404), ("leader_wan", DENIED)]
)
def test_only_those_who_may_import_can_commit(client, two_schools, batches, username, expected):
    login(client, two_schools["users"][username])
    response = client.post(reverse("casework_imports:commit", args=[batches["roll_a"].pk]))
    if expected == DENIED:
        assert response.url == reverse("wagtailadmin_home")
    else:
        assert response.status_code == expected
    batches["roll_a"].refresh_from_db()
    assert batches["roll_a"].status == ImportBatch.Status.PREVIEW


def test_a_teacher_sees_only_their_schools_imports_in_the_list(client, two_schools, batches):
    d = two_schools
    other = batch_of(
        "roll",
        wb.xlsx([["姓名", "身份证号"], ["丙", an_id(97)]]),
        d["users"]["office"],
        school=d["b"],
    )
    other.original_name = "乙校花名册.xlsx"
    other.save()
    login(client, d["users"]["teacher_a"])
    page = client.get(reverse("casework_imports:index")).content.decode()
    assert batches["roll_a"].original_name in page
    assert "乙校花名册.xlsx" not in page and "扶贫" not in page


def test_menu_item_shows_for_those_who_may_see_imports(client, two_schools):
    for username, shown in (("teacher_a", True), ("office", True), ("editor", False)):
        login(client, two_schools["users"][username])
        page = client.get(reverse("wagtailadmin_home")).content.decode()
        assert (reverse("casework_imports:index") in page) is shown, username


def test_scoped_managers_hide_import_rows_of_other_schools(two_schools, batches):
    with user_scope(two_schools["users"]["teacher_b"]):
        assert not ImportBatch.objects.exists()
        assert not ImportRow.objects.exists()
