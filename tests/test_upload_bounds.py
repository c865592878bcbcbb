"""Crafted workbooks are refused, with the reason, in little time and fixed memory."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from casework.models import ImportBatch, ImportRow
from casework.reconciliation.bounds import check_workbook
from casework.reconciliation.tasks import runs_in_background
from casework.reconciliation.values import FileRefused
from tests import workbooks as wb
from tests.factories import valid_id_number
from tests.test_imports import batch_of, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

SHEET = "xl/worksheets/sheet1.xml"
# The test workbooks keep their text inline; every XML part of a file is checked, named in
# the workbook's relationships or not, so an added shared-strings part is read like a real one.
STRINGS = "xl/sharedStrings.xml"
SST = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def shared_strings(*texts):
    return SST + "".join(f"<si><t>{text}</t></si>" for text in texts) + "</sst>"


def a_roll():
    rows = [["姓名", "身份证号", "性别"], ["王小明", valid_id_number(seq=1), "男"]]
    return wb.xlsx(rows)


def rewritten(content, replace=None, write=None, add=None):
    """The workbook with members' XML changed: ``replace`` {name: fn(xml)}, ``write`` {name: fn(zip file)}."""
    replace, write = replace or {}, write or {}
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        names = source.namelist()
        for name in names:
            if name in write:
                continue
            data = source.read(name)
            if name in replace:
                data = replace[name](data.decode()).encode()
            target.writestr(name, data)
        for name, text in (add or {}).items():
            target.writestr(name, text.encode())
        for name, fill in write.items():
            with target.open(name, "w", force_zip64=True) as member:
                fill(member)
    return out.getvalue()


def with_merge(ref):
    def add(xml):
        merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'
        return xml.replace("</sheetData>", "</sheetData>" + merge)

    return {SHEET: add}


def refusal(content):
    """The reason the file is refused; prints how long it took and the memory it held."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with translation.override("zh-hans"):
            check_workbook(io.BytesIO(content))
    except FileRefused as refused:
        reason = str(refused)
    else:
        reason = None
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(
        f"bench upload-bounds {len(content):>9,} bytes: {seconds:.3f} s, "
        f"peak {peak / 1e6:.2f} MB, {reason!r}"
    )
    return reason


def test_an_ordinary_roll_passes():
    assert refusal(a_roll()) is None


def test_a_merged_range_over_the_whole_width_is_refused():
    content = rewritten(a_roll(), replace=with_merge("A2:XFD100000"))
    assert len(content) < 10_000
    assert "XFD" in refusal(content) and "最多读取200列" in refusal(content)


def test_many_merged_ranges_are_refused(settings):
    settings.CASEWORK = {**settings.CASEWORK, "IMPORT_MAX_MERGED_RANGES": 100}

    def add(xml):
        merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(10, 212))
        return xml.replace("</sheetData>", f"</sheetData><mergeCells>{merges}</mergeCells>")

    assert "合并区域超过100个" in refusal(rewritten(a_roll(), replace={SHEET: add}))


def test_a_declared_dimension_beyond_the_limits_is_refused():
    def declare(xml):
        start = xml.index("<dimension")
        end = xml.index("/>", start) + 2
        return xml[:start] + '<dimension ref="A1:T1048576"/>' + xml[end:]

    assert "声明了1048576行" in refusal(rewritten(a_roll(), replace={SHEET: declare}))


def test_a_row_far_down_the_sheet_is_refused():
    def far(xml):
        row = '<row r="900000"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace("</sheetData>", row + "</sheetData>")

    assert "第900000行" in refusal(rewritten(a_roll(), replace={SHEET: far}))


def test_a_shared_string_bomb_is_refused():
    # One string of 200 MB packed into about 200 KB, as found in the attack.
    def strings(member):
        member.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/')
        member.write(b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
        block = b"A" * (1 << 20)
        for _ in range(200):
            member.write(block)
        member.write(b"</t></si></sst>")

    content = rewritten(a_roll(), write={STRINGS: strings})
    assert len(content) < 1_000_000
    assert refusal(content) is not None


def test_one_very_long_shared_string_is_refused():
    # Not packed tightly (every character differs from the last), so the text limit itself holds.
    text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(40_000))
    content = rewritten(a_roll(), add={STRINGS: shared_strings("王小明", text)})
    assert "超过32767个字符" in refusal(content)


def test_a_zip_bomb_is_refused():
    # 100 MB of whitespace inside the sheet XML packs about a thousandfold.
    def sheet(member):
        member.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/')
        member.write(b'spreadsheetml/2006/main"><sheetData>')
        block = b" " * (1 << 20)
        for _ in range(100):
            member.write(block)
        member.write(b"</sheetData></worksheet>")

    content = rewritten(a_roll(), write={SHEET: sheet})
    assert len(content) < 1_000_000
    assert "压缩包炸弹" in refusal(content)


def test_a_file_unpacking_beyond_the_total_is_refused(settings):
    settings.CASEWORK = {**settings.CASEWORK, "IMPORT_MAX_UNCOMPRESSED_BYTES": 1024 * 1024}

    strings = shared_strings(*("甲乙" * 10_000 for _ in range(40)))
    assert "解压后为" in refusal(rewritten(a_roll(), add={STRINGS: strings}))


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<si><t>&lol9;</t></si></sst>"
)


def test_xml_entity_expansion_is_refused():
    content = rewritten(a_roll(), add={STRINGS: BILLION_LAUGHS})
    assert "文档类型声明" in refusal(content)


def test_an_external_entity_is_refused():
    def sheet(xml):
        body = xml.split("?>", 1)[-1]
        return (
            '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + body.replace("王小明", "&xxe;")
        )

    content = rewritten(a_roll(), replace={SHEET: sheet})
    assert "文档类型声明" in refusal(content)


def test_a_refused_upload_fails_the_import_with_the_reason(two_schools):
    content = rewritten(a_roll(), replace=with_merge("A2:XFD100000"))
    started = time.perf_counter()
    batch = batch_of("poverty", content, two_schools["users"]["office"])
    print(
        f"bench upload-bounds read_batch merged-range bomb: {time.perf_counter() - started:.3f} s"
    )
    assert batch.status == ImportBatch.Status.FAILED
    assert "XFD" in batch.message
    assert not ImportRow.unscoped.filter(batch=batch).exists()


def test_the_upload_page_shows_the_refusal(client, two_schools):
    login(client, two_schools["users"]["office"])
    content = rewritten(a_roll(), add={STRINGS: BILLION_LAUGHS})
    started = time.perf_counter()
    response = client.post(
        reverse("casework_imports:upload"),
        {"kind": "poverty", "file": wb.upload(content)},
        follow=True,
    )
    print(
        f"bench upload-bounds upload request, billion laughs: {time.perf_counter() - started:.3f} s"
    )
    assert response.status_code == 200
    assert "文档类型声明" in response.content.decode()
    assert ImportBatch.unscoped.get().status == ImportBatch.Status.FAILED


def test_a_small_file_that_unpacks_large_is_read_by_the_worker(two_schools):
    def sheet(member):
        member.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/')
        member.write(b'spreadsheetml/2006/main"><sheetData>')
        member.write(b" " * (5 * 1024 * 1024))
        member.write(b"</sheetData></worksheet>")

    content = rewritten(a_roll(), write={SHEET: sheet})
    assert len(content) < 256 * 1024
    batch = ImportBatch(kind="poverty", uploaded_by=two_schools["users"]["office"])
    batch.file.save("x.xlsx", ContentFile(content), save=False)
    assert runs_in_background(batch)
    batch.file.save("y.xlsx", ContentFile(a_roll()), save=False)
    assert not runs_in_background(batch)
