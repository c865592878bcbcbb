"""Home visits without a signal, on a 375-px phone: the field pages load once online, then the
list and the form work offline, visits wait on the phone and are stored exactly once when the
signal returns; an ended session and a case closed meanwhile lose nothing and hide nothing."""

import io
import json
import re
import time
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, login

pytestmark = pytest.mark.browser

FIELD = "/admin/casework/field/"
SYNC = "/admin/casework/field/sync/"

#: Reads everything the site keeps in this browser: IndexedDB, Cache Storage, web storage.
READ_STORAGE_JS = """async () => {
  const out = {idb: [], caches: [], cacheBytes: 0, local: JSON.stringify({...localStorage}),
               session: JSON.stringify({...sessionStorage})};
  const open = (name) => new Promise((resolve, reject) => {
    const r = indexedDB.open(name); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error);
  });
  for (const {name} of await indexedDB.databases()) {
    const db = await open(name);
    for (const store of db.objectStoreNames) {
      const rows = await new Promise((resolve) => {
        const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => resolve(r.result);
      });
      out.idb.push(JSON.stringify(rows, (k, v) => v instanceof Blob ? `<blob ${v.size}>` : v));
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const body = await response.arrayBuffer();
      out.cacheBytes += body.byteLength;
      const type = response.headers.get('content-type') || '';
      out.caches.push({url: request.url, bytes: body.byteLength,
                       text: type.startsWith('image/') ? '' : new TextDecoder().decode(body)});
    }
  }
  return out;
}"""

CREATE_CASES = """
import datetime, json
from django.utils import timezone
from django.contrib.auth import get_user_model
from casework.access.scope import system_scope
from casework.models import Case, ChecklistItem, HomeVisit, Student
teacher = get_user_model().objects.get(username="teacher_a")
school = teacher.casework_profile.school
today = timezone.localdate()
ids = []
for n, name in enumerate({names!r}):
    student = Student.unscoped.create(name=name, gender="F", birth_date=datetime.date(2012, 1, 1),
                                      school=school, grade="5年级", class_name="2班")
    case = Case.unscoped.create(student=student, concern="left_behind", risk="medium", teacher=teacher,
                                checklist_item=ChecklistItem.objects.get(number=4),
                                opened_on=today - datetime.timedelta(days=30), summary="离线测试")
    HomeVisit.unscoped.create(case=case, visited_on=today - datetime.timedelta(days=20),
                              visitors="李老师", child_state="in_school", findings="首次家访",
                              next_visit_due=today - datetime.timedelta(days=3))
    with system_scope():  # outside a request the related managers see nothing
        case.refresh_next_visit_due()
    ids.append(case.pk)
print(json.dumps(ids))
"""


def make_cases(live_site, names):
    """Open cases of teacher_a at school A, each overdue by three days; their ids."""
    return json.loads(live_site.python(CREATE_CASES.format(names=names)))


def visits_with(live_site, marker):
    """The stored visits whose findings hold ``marker``: (case, offline?, synced?, evidence kinds)."""
    code = (
        "import json; from casework.models import HomeVisit, Attachment; "
        f"vs = HomeVisit.unscoped.filter(findings__contains={marker!r}); "
        "print(json.dumps([[v.case_id, v.client_id is not None, v.synced_at is not None, "
        "sorted(Attachment.unscoped.filter(home_visit=v).values_list('kind', flat=True))] for v in vs]))"
    )
    return json.loads(live_site.python(code))


def school_secrets(live_site):
    """Every ID number in the ledger, and the names of school B's children and the school."""
    code = (
        "import json; from casework.models import Student, School; "
        "b = School.unscoped.get(name__contains='演示B校'); "
        "print(json.dumps({'ids': [i for i in Student.unscoped.values_list('id_number', flat=True) if i], "
        "'b_names': list(Student.unscoped.filter(school=b).values_list('name', flat=True)), "
        "'b_school': b.name}))"
    )
    return json.loads(live_site.python(code))


def overdue_count(page):
    panel = page.locator("section", has=page.get_by_role("heading", name="我的工作")).last
    stat = panel.locator(".cw-stat", has=page.locator("dt", has_text=re.compile("^已逾期$")))
    return int(stat.locator("dd").inner_text())


def jpeg(color="green"):
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), color).save(out, "JPEG")
    return {"name": "IMG_2001.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def wait_until_controlled(page):
    """The service worker has installed, cached the shell and controls the page."""
    # Functions, not expression strings: Playwright evals a string, which the CSP forbids.
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")


def expect_status(page, path, status):
    # The conflict and refusal answers are part of the journey, not console errors.
    page.expected_statuses.add((page.site_url + path, status))


class Taps:
    """Counts the user's taps and times the journey."""

    def __init__(self, page):
        self.page, self.count, self.start = page, 0, time.monotonic()

    def tap(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, text):
        self.count += 1  # one tap into the field, then typing
        locator.fill(text)

    @property
    def seconds(self):
        return time.monotonic() - self.start


def log_visit(page, taps, case_name, findings, photo=None, sign=False, shot=None):
    row = page.locator("[data-list=all] [data-case]", has_text=case_name)
    taps.tap(row.get_by_role("button", name="登记家访"))
    form = page.locator("[data-visit-form]")
    expect(page.locator("[data-student]")).to_have_text(case_name)
    taps.fill(form.locator("textarea[name=findings]"), findings)
    if photo:
        taps.count += 1  # the camera's shutter
        form.locator("input[name=photos]").set_input_files(photo)
    if sign:
        form.locator("canvas").scroll_into_view_if_needed()
        pad = form.locator("canvas").bounding_box()
        page.mouse.move(pad["x"] + 30, pad["y"] + 40)
        page.mouse.down()
        page.mouse.move(pad["x"] + 150, pad["y"] + 80, steps=5)
        page.mouse.move(pad["x"] + 260, pad["y"] + 50, steps=5)
        page.mouse.up()
        taps.count += 1
    if shot:
        shot(page, "field-form-offline")
    taps.tap(form.get_by_role("button", name="保存家访"))


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_two_visits_offline_are_stored_once_each_with_their_photo(page, live_site, shot, browser):
    marker = uuid.uuid4().hex[:6]
    names = [f"在线{marker}", f"离线甲{marker}", f"离线乙{marker}"]
    online_case, photo_case, signed_case = make_cases(live_site, names)
    secrets = school_secrets(live_site)

    login(page, "teacher_a")
    overdue_before = overdue_count(page)

    # Online, from the dashboard: one visit, timed and counted.
    taps = Taps(page)
    taps.tap(page.locator("[data-cw-field-link]"))
    page.wait_for_url(re.compile(FIELD + "$"))
    expect(page.locator("[data-list=overdue] [data-case]", has_text=names[0])).to_be_visible()
    log_visit(page, taps, names[0], f"在线家访{marker}")
    expect(page.locator("[data-notice]")).to_contain_text(f"对 {names[0]} 的家访")
    expect(page.locator("[data-queue-box]")).to_be_hidden()
    online = (taps.count, taps.seconds)
    wait_until_controlled(page)
    shot(page, "field-list-online")

    # No signal: the field page still opens, with the list saved on the phone.
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-net]")).to_have_text("离线")
    expect(page.locator("[data-refreshed]")).to_contain_text("没有信号：显示的是")
    expect(page.locator("[data-list=all] [data-case]", has_text=names[1])).to_be_visible()
    shot(page, "field-list-offline")

    # Two visits, each with a photo, the second also with the guardian's signature; both wait.
    taps = Taps(page)  # from the installed app's icon: the page is open
    log_visit(page, taps, names[1], f"离线家访甲{marker}", photo=jpeg())
    expect(page.locator("[data-notice]")).to_contain_text("已保存在本机")
    offline = (taps.count, taps.seconds)
    page.locator("[data-list=all]").scroll_into_view_if_needed()
    log_visit(
        page, Taps(page), names[2], f"离线家访乙{marker}", photo=jpeg("blue"), sign=True, shot=shot
    )
    queue = page.locator("[data-queue] [data-entry]")
    expect(queue).to_have_count(2)
    expect(queue.first).to_contain_text("待同步")
    shot(page, "field-queue-offline")

    # What the browser keeps: nothing of another school, no ID number.
    storage = page.evaluate(READ_STORAGE_JS)
    kept = json.dumps(storage, ensure_ascii=False)
    assert names[1] in kept  # the test reads the real storage
    for id_number in secrets["ids"]:
        assert id_number not in kept, "an ID number is kept in the browser"
    for name in [*secrets["b_names"], secrets["b_school"]]:
        assert name not in kept, f"school B's {name} is kept in the browser"
    cached = sorted(entry["url"].replace(page.site_url, "") for entry in storage["caches"])
    assert all(url == FIELD or url.startswith("/static/casework/") for url in cached), cached
    assert not any(url.startswith("/admin/") and url != FIELD for url in cached)

    # The signal returns: both are sent, once each.
    page.context.set_offline(False)
    expect(page.locator("[data-queue-box]")).to_be_hidden()
    expect(page.locator("[data-notice]")).to_contain_text("已上传2条家访")
    assert visits_with(live_site, f"离线家访甲{marker}") == [[photo_case, True, True, ["photo"]]]
    assert visits_with(live_site, f"离线家访乙{marker}") == [
        [signed_case, True, True, ["photo", "signature"]]
    ]
    assert len(visits_with(live_site, f"在线家访{marker}")) == 1
    # Sending again (a retry of a tab that missed the answer) stores nothing more.
    page.reload()
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    assert len(visits_with(live_site, marker)) == 3

    # Each appears once on its case timeline, marked as entered offline.
    page.goto(f"/admin/snippets/casework/case/inspect/{photo_case}/")
    entry = page.locator(".timeline__item--visit", has_text=f"离线家访甲{marker}")
    expect(entry).to_have_count(1)
    expect(entry.locator("[data-offline]")).to_contain_text("手机离线录入于")
    shot(page, "case-timeline")
    page.goto(f"/admin/snippets/casework/case/inspect/{signed_case}/")
    entry = page.locator(".timeline__item--visit", has_text=f"离线家访乙{marker}")
    expect(entry).to_have_count(1)
    expect(entry.locator("[data-offline]")).to_contain_text("手机离线录入于")

    # The dashboard counts move: the three overdue cases are visited.
    page.goto("/admin/")
    assert overdue_count(page) == overdue_before - 3

    print(
        f"\n[offline] dashboard → saved visit online: {online[0]} taps, {online[1]:.1f} s"
        f"\n[offline] field page → visit saved on the phone offline: {offline[0]} taps, "
        f"{offline[1]:.1f} s"
        f"\n[offline] the service worker caches {len(cached)} files, {storage['cacheBytes']:,} bytes:"
        f" {', '.join(cached)}"
    )

    # The same page on a desktop screen, for the screenshot.
    page.set_viewport_size(DESKTOP | {"width": 1400})
    page.goto(FIELD)
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    shot(page, "field-list-1400")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_session_ended_offline_syncs_after_logging_in_again(page, live_site, shot):
    marker = uuid.uuid4().hex[:6]
    (case,) = make_cases(live_site, [f"过期{marker}"])
    login(page, "teacher_a")
    page.goto(FIELD)
    wait_until_controlled(page)

    page.context.set_offline(True)
    page.context.clear_cookies()  # the session ends while the phone has no signal
    page.reload()
    log_visit(page, Taps(page), f"过期{marker}", f"会话过期后家访{marker}")
    expect_status(page, SYNC, 403)
    page.context.set_offline(False)

    notice = page.locator("[data-notice]")
    expect(notice).to_contain_text("登录已过期")
    expect(page.locator("[data-queue] [data-entry]")).to_have_count(1)
    assert visits_with(live_site, marker) == []
    shot(page, "session-ended")

    notice.get_by_role("link", name="重新登录").click()
    page.fill("#id_username", "teacher_a")
    page.fill("#id_password", live_site.env["DEMO_PASSWORD"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(FIELD + "$"))
    expect(page.locator("[data-queue-box]")).to_be_hidden()
    assert visits_with(live_site, marker) == [[case, True, True, []]]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_case_closed_meanwhile_is_shown_as_a_conflict_and_logout_clears_the_phone(
    page, live_site, shot
):
    marker = uuid.uuid4().hex[:6]
    (case,) = make_cases(live_site, [f"销号{marker}"])
    login(page, "teacher_a")
    page.goto(FIELD)
    wait_until_controlled(page)

    page.context.set_offline(True)
    log_visit(page, Taps(page), f"销号{marker}", f"销号后家访{marker}")
    live_site.python(
        f"from casework.models import Case; Case.unscoped.filter(pk={case}).update(status='closed')"
    )
    expect_status(page, SYNC, 409)
    page.context.set_offline(False)

    entry = page.locator("[data-queue] [data-entry]")
    expect(entry).to_have_count(1)
    expect(entry).to_have_attribute("data-status", "conflict")
    expect(entry).to_contain_text("该个案已销号")
    expect(page.locator("[data-notice]")).to_contain_text("1条家访未能保存")
    # The refreshed list no longer offers the closed case.
    expect(page.locator("[data-list=all] [data-case]", has_text=f"销号{marker}")).to_have_count(0)
    assert visits_with(live_site, marker) == []  # stored nowhere, and kept on the phone
    shot(page, "conflict-closed")

    # Logging out warns of the unsent visit, then clears the cache and the queue.
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.locator("[data-logout]").click()
    page.wait_for_url(re.compile(r"/admin/login/"))
    assert dialogs and "还有1条家访未同步" in dialogs[0]
    storage = page.evaluate(READ_STORAGE_JS)
    assert storage["idb"] == [] and storage["caches"] == [], storage
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_double_tap_and_two_tabs_store_a_visit_once(page, live_site):
    marker = uuid.uuid4().hex[:6]
    online_case, offline_case = make_cases(live_site, [f"双击{marker}", f"两页{marker}"])
    login(page, "teacher_a")
    page.goto(FIELD)
    wait_until_controlled(page)
    form = page.locator("[data-visit-form]")

    def double_tap_a_visit(name, findings):
        row = page.locator("[data-list=all] [data-case]", has_text=name)
        row.get_by_role("button", name="登记家访").click()
        form.locator("textarea[name=findings]").fill(findings)
        form.get_by_role("button", name="保存家访").dblclick()

    # Online: a double tap on 保存家访 stores one visit.
    double_tap_a_visit(f"双击{marker}", f"双击家访{marker}")
    expect(page.locator("[data-notice]")).to_contain_text(f"对 双击{marker} 的家访")
    expect(page.locator("[data-queue-box]")).to_be_hidden()

    # Offline, with a second tab open on the field page: one entry waits, and when the signal
    # returns both tabs send the queue, which stores it once.
    other = page.context.new_page()
    other.goto(FIELD)
    other.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    page.context.set_offline(True)
    double_tap_a_visit(f"两页{marker}", f"两页家访{marker}")
    expect(page.locator("[data-queue] [data-entry]")).to_have_count(1)
    page.context.set_offline(False)
    expect(page.locator("[data-queue-box]")).to_be_hidden()
    other.reload()
    other.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    expect(other.locator("[data-queue-box]")).to_be_hidden()

    assert visits_with(live_site, f"双击家访{marker}") == [[online_case, True, True, []]]
    assert visits_with(live_site, f"两页家访{marker}") == [[offline_case, True, True, []]]


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_another_account_on_the_same_phone_sees_no_name_of_the_first(page, live_site):
    # teacher_a's session ends with a visit waiting; teacher_b, of school B, logs in on the phone.
    marker = uuid.uuid4().hex[:6]
    (case,) = make_cases(live_site, [f"换人{marker}"])
    login(page, "teacher_a")
    page.goto(FIELD)
    wait_until_controlled(page)
    page.context.set_offline(True)
    log_visit(page, Taps(page), f"换人{marker}", f"换人家访{marker}")
    page.context.clear_cookies()
    expect_status(page, SYNC, 403)  # the worker's Background Sync may try it with B's session
    page.context.set_offline(False)

    login(page, "teacher_b")
    page.goto(FIELD)
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    entry = page.locator("[data-queue] [data-entry]")
    expect(entry).to_have_attribute("data-status", "other")
    expect(entry).to_contain_text("另一个账号录入")
    assert f"换人{marker}" not in page.inner_text("body")
    listed = page.evaluate(
        """async () => new Promise((resolve) => {
          const r = indexedDB.open('casework-offline');
          r.onsuccess = () => { const g = r.result.transaction('meta').objectStore('meta').get('list');
                               g.onsuccess = () => resolve(g.result.value); };
        })"""
    )
    assert f"换人{marker}" not in json.dumps(listed, ensure_ascii=False)
    assert visits_with(live_site, marker) == []

    # Nothing lost: teacher_a logs in again and the visit is sent.
    page.context.clear_cookies()
    login(page, "teacher_a")
    page.goto(FIELD)
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    expect(page.locator("[data-queue-box]")).to_be_hidden()
    assert visits_with(live_site, marker) == [[case, True, True, []]]


CREATE_HOUSEHOLD = """
import datetime, json
from django.contrib.auth import get_user_model
from casework.campaign.models import Household, household_of
from casework.models import Student
teacher = get_user_model().objects.get(username="teacher_a")
school = teacher.casework_profile.school
ids = []
for names, guardian in {families!r}:
    household = None
    for n, name in enumerate(names):
        student = Student.unscoped.create(
            name=name, gender="F", birth_date=datetime.date(2013, 1, 1 + n), school=school,
            grade="4年级", class_name="1班", guardian_name=guardian, address=guardian + "家门牌8号",
            hukou_township="星海镇", hukou_village="幸福村")
        household = household_of(student)
    Household.unscoped.filter(pk=household.pk).update(teacher=teacher)
    ids.append(household.pk)
print(json.dumps(ids))
"""


def campaign_visits_with(live_site, marker):
    """Stored campaign visits whose findings hold ``marker``: (household, offline id?, synced?,
    evidence kinds, household visited this term?)."""
    code = (
        "import json; from casework.campaign.models import CampaignVisit, Household, this_term; "
        "from casework.models import Attachment; "
        f"vs = CampaignVisit.unscoped.filter(findings__contains={marker!r}); "
        "seen = set(Household.unscoped.visited_since(this_term()).values_list('pk', flat=True)); "
        "print(json.dumps([[v.household_id, v.client_id is not None, v.synced_at is not None, "
        "sorted(Attachment.unscoped.filter(campaign_visit=v).values_list('kind', flat=True)), "
        "v.household_id in seen] for v in vs]))"
    )
    return json.loads(live_site.python(code))


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_campaign_visit_offline_is_stored_once_and_the_household_counts_as_visited(
    page, live_site, shot
):
    marker = uuid.uuid4().hex[:6]
    child, sibling, other = f"全覆盖甲{marker}", f"全覆盖乙{marker}", f"全覆盖丙{marker}"
    guardian, other_guardian = f"户主{marker}", f"另户{marker}"
    household, _other_household = json.loads(
        live_site.python(
            CREATE_HOUSEHOLD.format(
                families=[([child, sibling], guardian), ([other], other_guardian)]
            )
        )
    )
    secrets = school_secrets(live_site)

    # Online: the field page keeps the households not yet visited this term.
    login(page, "teacher_a")
    page.goto(FIELD)
    wait_until_controlled(page)
    row = page.locator(f"[data-list=households] [data-household='{household}']")
    expect(row).to_contain_text(child)
    expect(row).to_contain_text(sibling)

    # No signal: reload, the households are still there; log a visit with a photo.
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-net]")).to_have_text("离线")
    expect(row).to_contain_text("星海镇幸福村")
    row.scroll_into_view_if_needed()
    shot(page, "campaign-list-offline")
    row.locator("[data-child]", has_text=child).get_by_role("button", name="登记家访").click()
    form = page.locator("[data-campaign-form]")
    expect(page.locator("[data-campaign-student]")).to_have_text(child)
    expect(page.locator("[data-campaign-covers]")).to_contain_text(sibling)
    expect(form.locator("[name=child_state][value=in_school]")).to_be_checked()
    form.locator("textarea[name=findings]").fill(f"全覆盖离线家访{marker}")
    form.locator("input[name=photos]").set_input_files(jpeg("orange"))
    # The guardian signs on the pad, as on a case's visit.
    form.locator("canvas").scroll_into_view_if_needed()
    pad = form.locator("canvas").bounding_box()
    page.mouse.move(pad["x"] + 30, pad["y"] + 40)
    page.mouse.down()
    page.mouse.move(pad["x"] + 200, pad["y"] + 70, steps=5)
    page.mouse.up()
    shot(page, "campaign-form-offline")
    form.get_by_role("button", name="保存家访").click()
    expect(page.locator("[data-notice]")).to_contain_text("已保存在本机")
    entry = page.locator("[data-queue] [data-entry]")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(child)
    expect(entry).to_contain_text("全覆盖家访")
    expect(entry).to_contain_text("待同步")
    shot(page, "campaign-queue-offline")

    # What the browser keeps: no ID number, no guardian, no address; the worker caches only the
    # field page's own files.
    storage = page.evaluate(READ_STORAGE_JS)
    kept = json.dumps(storage, ensure_ascii=False)
    assert child in kept
    for secret in [*secrets["ids"], guardian, other_guardian, "门牌8号"]:
        assert secret not in kept, f"{secret} is kept in the browser"
    cached = sorted(e["url"].replace(page.site_url, "") for e in storage["caches"])
    assert cached and all(url == FIELD or url.startswith("/static/casework/") for url in cached)

    # The signal returns: stored once, with its photo, and the household counts as visited.
    page.context.set_offline(False)
    expect(page.locator("[data-queue-box]")).to_be_hidden()
    expect(page.locator("[data-notice]")).to_contain_text("覆盖该户2名子女")
    expect(row).to_have_count(0)  # the refreshed list: visited this term
    stored = [[household, True, True, ["photo", "signature"], True]]
    assert campaign_visits_with(live_site, marker) == stored
    page.reload()  # a retry sends nothing more
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    assert campaign_visits_with(live_site, marker) == stored

    # The teacher's online households page: visited, marked as entered offline.
    page.goto("/admin/casework/campaign/")
    visited = page.locator(".cw-household", has_text=child)
    expect(visited).to_have_attribute("data-visited", "1")
    expect(visited.locator("[data-offline]")).to_contain_text("手机离线录入于")
    shot(page, "campaign-households-after")

    # The section and the form on a desktop screen.
    page.set_viewport_size(DESKTOP | {"width": 1400})
    page.goto(FIELD)
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    other_row = page.locator("[data-list=households] [data-household]", has_text=other)
    other_row.scroll_into_view_if_needed()
    shot(page, "campaign-list-1400")
    other_row.get_by_role("button", name="登记家访").click()
    expect(page.locator("[data-campaign-student]")).to_have_text(other)
    shot(page, "campaign-form-1400")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_refused_campaign_visit_is_corrected_on_its_own_form_with_its_photo_kept(
    page, live_site, shot
):
    marker = uuid.uuid4().hex[:6]
    child = f"改正{marker}"
    (household,) = json.loads(
        live_site.python(CREATE_HOUSEHOLD.format(families=[([child], f"改正户{marker}")]))
    )
    login(page, "teacher_a")
    page.goto(FIELD)
    page.wait_for_function("() => document.documentElement.dataset.ready === '1'")
    row = page.locator(f"[data-list=households] [data-household='{household}']")
    row.get_by_role("button", name="登记家访").click()
    form = page.locator("[data-campaign-form]")
    form.locator("input[name=visited_on]").fill("2099-01-01")  # the server's rule refuses it
    form.locator("textarea[name=findings]").fill(f"改正前{marker}")
    form.locator("input[name=photos]").set_input_files(jpeg("purple"))
    expect_status(page, SYNC, 422)
    form.get_by_role("button", name="保存家访").click()

    entry = page.locator("[data-queue] [data-entry]")
    expect(entry).to_have_attribute("data-status", "invalid")
    expect(entry).to_contain_text("需修改")
    assert campaign_visits_with(live_site, marker) == []
    entry.get_by_role("button", name="修改").click()
    expect(page.locator("[data-campaign-student]")).to_have_text(child)
    expect(form.locator("[data-error-for=visited_on]")).to_have_text("家访日期不能晚于今天。")
    expect(form.locator("[data-kept-files]")).to_contain_text("1张照片")
    expect(form.locator("textarea[name=findings]")).to_have_value(f"改正前{marker}")
    shot(page, "campaign-correct")
    form.locator("input[name=visited_on]").fill(
        live_site.python("from django.utils import timezone; print(timezone.localdate())").strip()
    )
    form.get_by_role("button", name="保存家访").click()
    expect(page.locator("[data-queue-box]")).to_be_hidden()
    assert campaign_visits_with(live_site, marker) == [[household, True, True, ["photo"], True]]
