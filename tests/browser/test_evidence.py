"""The home-visit campaign on a phone: a visit to a pupil without a case, photographed and signed.

The school manager gives a class's households to teacher_a (at 1400 px); the teacher, at 375 px,
goes from the dashboard to her households, logs a visit with a photo carrying a GPS position and
the guardian's signature drawn on the screen, and sees the photo's thumbnail and the signature on
the household; the manager sees the class's coverage rise. The stored photo has no EXIF; another
school's file is not found; a disguised file is refused with what was typed kept.
"""

import io
import json
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, goto_expecting, login

pytestmark = pytest.mark.browser

WIDE = {"width": 1400, "height": DESKTOP["height"]}


def jpeg_with_gps():
    """A phone photo: a JPEG whose EXIF holds the camera's make and a GPS position."""
    image = Image.new("RGB", (1200, 900), (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (38.0, 59.0, 30.0), 3: "E", 4: (106.0, 23.0, 10.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the photo carries GPS
    return data


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def make_class(live_site, class_name, family):
    """Three pupils without a case in a class of their own at school A: two siblings (one
    household) and a third child of another household. Returns their names."""
    return json.loads(
        live_site.python(
            f"""
import datetime, json, random
from casework.idnumbers import check_digit
from casework.models import School, Student
school = School.unscoped.get(name__contains='演示A校')
names = []
for n, (given, guardian, address) in enumerate([
    ('一', '{family}父', '长胜街道幸福路1号'),
    ('二', '{family}父', '长胜街道幸福路1号'),
    ('三', '{family}母', '长胜街道光明路9号'),
]):
    first17 = '640202' + f'20150{{n + 1}}0{{n + 1}}' + f'{{random.randrange(1000):03d}}'
    s = Student.unscoped.create(
        name='{family}' + given, gender='M', birth_date=datetime.date(2015, n + 1, n + 1),
        id_number=first17 + check_digit(first17), school=school, grade='5年级',
        class_name='{class_name}', guardian_name=guardian, address=address,
        hukou_township='长胜街道', hukou_village='幸福村',
    )
    assert not s.cases.exists()
    names.append(s.name)
print(json.dumps(names, ensure_ascii=False))
"""
        )
    )


def class_row(page, class_name):
    """(visited, households) of the class's row on the coverage page."""
    row = page.locator("[data-coverage=classes] tbody tr", has_text=class_name)
    expect(row).to_have_count(1)
    cells = row.locator("td")
    return int(cells.nth(0).inner_text()), int(cells.nth(1).inner_text())


def school_b_attachment(live_site):
    """A photo kept on a home visit of school B; returns its id."""
    return live_site.python(
        """
import io
from PIL import Image
from casework.evidence.processing import reencode_image
from casework.evidence.services import attach
from casework.models import HomeVisit
visit = HomeVisit.unscoped.filter(case__student__school__name__contains='演示B校').first()
out = io.BytesIO()
Image.new('RGB', (40, 40), 'green').save(out, 'JPEG')
print(attach(visit, reencode_image(out.getvalue(), 'b.jpg'), None).pk)
"""
    )


def test_a_signed_photographed_campaign_visit_on_a_phone(browser, live_site, shot, tmp_path):
    hexa = uuid.uuid4().hex[:4]
    class_name = f"测{hexa}班"
    family = f"浏{hexa}"
    names = make_class(live_site, class_name, family)
    marker = f"全覆盖家访浏览器测试{hexa}"
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg_with_gps())
    disguised = tmp_path / "家访照片.jpg"
    disguised.write_bytes(b"MZ\x90\x00 this is a program, not a photo " * 20)

    def new_page(viewport):
        context = browser.new_context(
            base_url=live_site.url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
        page.errors = errors
        page.problems = errors
        page.site_url = live_site.url
        page.expected_statuses = set()
        return page

    # The school manager, on a computer, sees the class unvisited and gives it to teacher_a.
    manager = new_page(WIDE)
    login(manager, "manager_a")
    manager.goto("/admin/casework/campaign/coverage/")
    assert class_row(manager, class_name) == (0, 2)
    manager.get_by_role("link", name="分配包户").click()
    manager.select_option("select[name=grade_class]", f"5年级|{class_name}")
    manager.select_option("select[name=teacher]", label="李老师")
    manager.get_by_role("button", name="分配").click()
    expect(manager.locator(".messages")).to_contain_text("2")
    manager.wait_for_url(re.compile(r"/campaign/coverage/$"))

    # The teacher, on her phone: dashboard → her households → log a visit → save.
    page = new_page(PHONE)
    taps = []

    def tap(locator):
        taps.append(locator)
        locator.click()

    login(page, "teacher_a")
    no_sideways_scroll(page)
    shot(page, "dashboard")
    tap(page.get_by_role("link", name="我的包户家访"))
    page.wait_for_url(re.compile(r"/campaign/$"))
    household = page.locator(".cw-household", has_text=f"{family}父")
    expect(household).to_contain_text("尚未走访")
    # Other journeys on this site may have visited teacher_a's other households: count from here.
    visited_before = int(re.search(r"(\d+)", page.locator("[data-tally]").inner_text()).group(1))
    no_sideways_scroll(page)
    shot(page, "my-households")

    tap(household.locator("li", has_text=names[0]).get_by_role("link", name="登记家访"))
    page.wait_for_url(re.compile(r"/campaign/visit/\d+/$"))
    # One visit covers the sibling.
    expect(page.locator(".cw-quick__case")).to_contain_text(names[1])
    page.fill("textarea[name=findings]", f"入户家访，家长在家，孩子按时到校。{marker}")
    # The photo, through the chooser the camera button opens (choosing a file is no tap).
    with page.expect_file_chooser() as chooser:
        page.locator("input[name=photos]").click()
    chooser.value.set_files(str(photo))
    # The guardian signs with a finger (the mouse here).
    pad = page.locator(".cw-signature__pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(
            box["x"] + 20 + i * (box["width"] - 40) / 11,
            box["y"] + box["height"] * (0.3 if i % 2 else 0.7),
            steps=3,
        )
    page.mouse.up()
    expect(page.locator("input[name=signature]")).to_have_value(re.compile(r"^data:image/png"))
    no_sideways_scroll(page)
    shot(page, "visit-form")
    tap(page.get_by_role("button", name="保存家访"))

    # Back on her households: the visit saved, with the photo and the signature shown.
    page.wait_for_url(re.compile(r"/campaign/$"))
    expect(page.locator(".messages")).to_contain_text("覆盖该户2名子女")
    assert len(taps) <= 5, f"{len(taps)} taps from the dashboard to the saved visit"
    household = page.locator(".cw-household", has_text=f"{family}父")
    expect(household).to_contain_text("本学期已走访")
    expect(household).to_contain_text("家长已签名")
    thumbs = household.locator("img.cw-evidence__thumb")
    expect(thumbs).to_have_count(2)  # the photo and the signature
    for i in range(2):
        thumbs.nth(i).scroll_into_view_if_needed()
        expect(thumbs.nth(i)).to_have_js_property("complete", True)
        assert thumbs.nth(i).evaluate("img => img.naturalWidth") > 0
    expect(page.locator("[data-tally]")).to_contain_text(f"已走访 {visited_before + 1} 户")
    no_sideways_scroll(page)
    shot(page, "visit-saved")

    # The manager's coverage of the class has risen: one of its two households visited.
    manager.reload()
    assert class_row(manager, class_name) == (1, 2)
    expect(manager.locator("[data-coverage=villages]")).to_contain_text("幸福村")
    expect(manager.locator("[data-unvisited]", has_text=f"{family}母")).to_have_count(1)
    shot(manager, "coverage-1400")

    # The stored photo carries no EXIF at all, GPS above all; the signature is kept too.
    stored = json.loads(
        live_site.python(
            f"""
import io, json
from PIL import Image
from casework.models import Attachment
kept = Attachment.unscoped.filter(campaign_visit__findings__contains='{marker}')
photo = kept.get(kind='photo')
with photo.file.open('rb') as f:
    image = Image.open(io.BytesIO(f.read()))
    exif = image.getexif()
print(json.dumps({{'kinds': sorted(kept.values_list('kind', flat=True)),
                  'gps': bool(exif.get_ifd(0x8825)), 'exif': len(exif),
                  'format': image.format, 'path': photo.file.path}}))
"""
        )
    )
    assert stored["kinds"] == ["photo", "signature"]
    assert stored["format"] == "JPEG"
    assert not stored["gps"] and stored["exif"] == 0
    assert "/media/" not in stored["path"]  # kept outside the publicly served media

    # Another school's file is not found, neither the file nor its thumbnail.
    other = school_b_attachment(live_site)
    goto_expecting(page, f"/admin/casework/evidence/{other}/", 404)
    goto_expecting(page, f"/admin/casework/evidence/{other}/thumbnail/", 404)

    # A program named like a photo is refused, and the typed findings are kept.
    page.goto("/admin/casework/campaign/")
    page.locator(".cw-household", has_text=f"{family}母").get_by_role(
        "link", name="登记家访"
    ).click()
    typed = f"家长外出务工，奶奶在家。{marker}乙"
    page.fill("textarea[name=findings]", typed)
    page.locator("input[name=files]").set_input_files(str(disguised))
    page.get_by_role("button", name="保存家访").click()
    expect(page.locator(".w-field__errors", has_text="不是照片或 PDF")).to_have_count(1)
    expect(page.locator("textarea[name=findings]")).to_have_value(typed)
    no_sideways_scroll(page)
    shot(page, "disguised-refused")
    assert (
        live_site.python(
            "from casework.models import CampaignVisit; "
            f"print(CampaignVisit.unscoped.filter(findings__contains='{marker}乙').count())"
        )
        == "0"
    )
    assert not page.errors and not manager.errors, page.errors + manager.errors
    page.context.close()
    manager.context.close()
