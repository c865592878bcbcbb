"""Chinese on every admin screen any role reaches, people named family name first.

The crawl takes every admin URL from the URL resolver, fills its arguments with real objects of
the demo (the seed, the demo accounts and ledger, a monthly report under review, a page sent to
moderation) and opens it as each role; every screen that answers 200 is read as a person reads
it (the text, the page title and what buttons and fields say) and must hold no English word
outside a short allow-list of terms Chinese staff use as they are.
"""

import json
import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.models import Page, Revision, Site

from casework.models import MonthlyReport
from home.models import NoticeIndexPage
from tests.monthly import MAY

pytestmark = pytest.mark.django_db

ROLES = [
    "teacher_a",
    "manager_a",
    "office",
    "leader_wan",
    "editor",
    "admin",  # the superuser's setup screens: groups, sites, workflows, site history
]

#: Words staff read as they are: file types and sizes, the keys on a keyboard, and "English"
#: as the language picker names that language in its own words.
ALLOWED = {
    *("excel", "xlsx", "xls", "csv", "pdf", "docx", "txt", "jpg", "jpeg", "png", "mb", "kb"),
    *("gif", "webp", "avif", "word", "rss", "tsv"),
    *("id", "url", "ok"),
    "totp",  # the kind of phone app, as the apps themselves name it
    *("alt", "ctrl", "shift", "esc", "cmd", "enter"),
    "english",
}

#: Not screens: log-out, Wagtail's test pages, JSON APIs, files, and actions that only POST.
SKIPPED_NAMES = re.compile(
    r"(wagtailadmin_logout|wagtailadmin_error_test|wagtailadmin_api:|wagtailadmin_sprite"
    r"|javascript_catalog|wagtailadmin_dismissibles|wagtailadmin_editing_sessions|"
    r"wagtail_bulk_action|:lock$|:unlock$|:export$|_export$|export_download|evidence_download"
    r"|evidence_thumbnail|imports:file|wagtailimages:preview|password_reset_confirm"
    r"|wagtailadmin_tag|:chosen$|:chosen_multiple$|:redraft$|:preview_on_|:process_import"
    r"|view_draft|revisions_revert|revisions_unschedule|:enable|:disable|ping|:release)"
)


def walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            ns = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern


class VisibleText(HTMLParser):
    """The text a person reads: text outside scripts, styles and hidden elements, titles,
    labels of controls."""

    # <code> holds what is typed, not read: a key for the phone app, a command.
    HIDDEN = {"script", "style", "noscript", "svg", "code"}
    SHOWN_ATTRS = {"title", "aria-label", "placeholder", "alt"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = []  # the open elements nobody sees, innermost last
        self.parts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID and (
            tag in self.HIDDEN or "hidden" in attrs or (self.hidden and tag == self.hidden[-1])
        ):
            self.hidden.append(tag)
        if self.hidden:
            return
        for name in self.SHOWN_ATTRS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


@pytest.fixture
def demo(settings, django_capture_on_commit_callbacks):
    """The seed, the demo, a month under the leaders' review and a page awaiting moderation."""
    settings.DEBUG = True  # the demo loader refuses to run otherwise
    call_command("load_seed", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False
    users = {u.username: u for u in get_user_model().objects.all()}
    report = MonthlyReport.draft(MAY, user=users["office"])
    with django_capture_on_commit_callbacks(execute=True):
        report.save_revision(user=users["office"])
        report.get_workflow().start(report, users["office"])
    # The notices' index: an editor's page, as the workflow reviews it.
    page = NoticeIndexPage.objects.get()
    page.save_revision(user=users["editor"])
    workflow = page.get_workflow()
    if workflow:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.start(page, users["editor"])
    return users


def first_pk(model):
    obj = model._default_manager.order_by("pk").first() if model else None
    return obj.pk if obj else None


def model_of_namespace(namespace):
    """The model a Wagtail view set's URL namespace names (wagtailsnippets_casework_case)."""
    from django.apps import apps

    match = re.match(r"wagtail(?:snippets|snippetchoosers)_(\w+?)_(\w+)$", namespace or "")
    if match:
        return apps.get_model(match[1], match[2])
    return {
        "wagtailusers_users": get_user_model(),
        "wagtailusers_groups": Group,
        "wagtailsites": __import__("wagtail.models", fromlist=["Site"]).Site,
        "wagtailadmin_collections": __import__("wagtail.models", fromlist=["x"]).Collection,
        "wagtailadmin_workflows": __import__("wagtail.models", fromlist=["x"]).Workflow,
        "casework_closeoff": _model("casework", "CloseOffRequest"),
        "casework_imports": _model("casework", "ImportBatch"),
    }.get(namespace)


def _model(app, name):
    from django.apps import apps

    try:
        return apps.get_model(app, name)
    except LookupError:
        return None


def urls_to_crawl():
    """(name, url) of every admin screen with its arguments filled from the demo's objects."""
    from casework.models import Case, School

    report = MonthlyReport.objects.get()
    pages = list(Page.objects.filter(depth__gte=2).order_by("path"))
    school = School.objects.order_by("pk").first()
    found = []
    for route, name, pattern in walk(get_resolver()):
        if not route.startswith("admin/") or SKIPPED_NAMES.search(name):
            continue
        namespace = name.rpartition(":")[0]
        args = set(pattern.pattern.regex.groupindex)
        if not args:
            found.append((name, reverse(name)))
            continue
        kwargs_list = []
        model = model_of_namespace(namespace.split(":")[-1])
        if args & {"page_id", "parent_page_id", "page_to_move_id"} and not args - {
            "page_id",
            "parent_page_id",
            "page_to_move_id",
        }:
            for page in pages:
                kwargs_list.append({a: page.pk for a in args})
        elif args == {"pk"} and model:
            if model is MonthlyReport:
                kwargs_list.append({"pk": report.pk})
            elif pk := first_pk(model):
                kwargs_list.append({"pk": pk})
        elif args == {"pk"} and name == "casework_quick_visit":
            kwargs_list.append({"pk": first_pk(Case)})
        elif args == {"pk", "revision_id_a", "revision_id_b"}:
            if model is MonthlyReport:
                kwargs_list.append(
                    {"pk": report.pk, "revision_id_a": "earliest", "revision_id_b": "latest"}
                )
        elif args == {"page_id", "revision_id"}:
            revision = Revision.page_revisions.order_by("-pk").first()
            kwargs_list.append({"page_id": revision.object_id, "revision_id": revision.pk})
        elif args == {"pk", "workflow_state_id"} and model is MonthlyReport:
            kwargs_list.append(
                {"pk": report.pk, "workflow_state_id": report.workflow_states.first().pk}
            )
        elif args == {"year", "period"}:
            kwargs_list += [{"year": 2020, "period": p} for p in ("5", "q2", "h1")]
        elif args == {"school_pk", "year", "week"}:
            kwargs_list.append({"school_pk": school.pk, "year": 2026, "week": 49})
        elif args == {"school_pk", "school_year", "term"}:
            kwargs_list.append({"school_pk": school.pk, "school_year": 2026, "term": 1})
        elif args == {"number"}:
            kwargs_list += [{"number": n} for n in range(1, 8)]
        elif args == {"app_label", "model_name"} or args == {"app_name", "model_name"}:
            pass
        if not kwargs_list:
            continue
        for kwargs in kwargs_list:
            try:
                found.append((name, reverse(name, kwargs=kwargs)))
            except Exception:  # an argument this route names differently: not crawled
                pass
    return found


ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


def english_words(text, users):
    # What people typed is data, not the interface: usernames and e-mail addresses.
    text = re.sub(r"\S+@\S+", " ", text)
    text = re.sub(r"https?://\S+|/[\w/.-]+", " ", text)
    # A model's label (home.homepage) names a type as code does, beside its Chinese name.
    text = re.sub(r"\b[a-z_]+\.[a-z_]+\b", " ", text)
    data = {u.username.lower() for u in users.values()} | {"sichasibu", "demo", "invalid"}
    data |= {site.hostname.lower() for site in Site.objects.all()}
    words = set()
    for word in ENGLISH_WORD.findall(text):
        lower = word.lower()
        if lower in ALLOWED or lower in data or any(lower in d.split("_") for d in data):
            continue
        words.add(word)
    return words


def read_screen(response):
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        body = json.loads(body).get("html", "")
    return visible_text(body)


@pytest.mark.parametrize("role", ROLES)
def test_no_english_on_any_admin_screen(client, demo, role):
    client.force_login(demo[role])
    screens = 0
    english = {}
    for _name, url in urls_to_crawl():
        response = client.get(url)
        kind = response.get("Content-Type", "")
        # Screens and the JSON that carries a modal's HTML; not the web app's manifest.
        if response.status_code != 200 or not kind.startswith(("text/html", "application/json")):
            continue
        screens += 1
        words = english_words(read_screen(response), demo)
        if words:
            english[url] = sorted(words)
    assert screens > 10, f"{role} reached only {screens} screens"
    assert english == {}, "\n".join(f"{url}: {' '.join(w)}" for url, w in english.items())


# --- people named family name first ---------------------------------------------------------


def test_wagtail_names_people_family_name_first(client, demo):
    """The account menu and the workflow panels say 万东旺 / 张科员, never 东旺 万."""
    client.force_login(demo["leader_wan"])
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "万东旺" in dashboard and "东旺 万" not in dashboard
    report = MonthlyReport.objects.get()
    edit = client.get(
        reverse(MonthlyReport.snippet_viewset.get_url_name("edit"), args=[report.pk])
    ).content.decode()
    assert "张科员" in edit and "科员 张" not in edit
    history = client.get(
        reverse(MonthlyReport.snippet_viewset.get_url_name("history"), args=[report.pk])
    ).content.decode()
    assert "张科员" in history and "科员 张" not in history


def test_the_paired_teacher_filter_and_chooser_show_names_not_usernames(client, demo):
    client.force_login(demo["manager_a"])
    cases = client.get(reverse("wagtailsnippets_casework_case:list")).content.decode()
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", cases)
    assert "李老师" in options and "teacher_a" not in options
    chooser = client.get(reverse("casework_teacher_chooser:choose"))
    html = json.loads(chooser.content)["html"]
    assert "李老师" in html and "teacher_a" not in visible_text(html)
    chosen = client.get(reverse("casework_teacher_chooser:chosen", args=[demo["teacher_a"].pk]))
    assert json.loads(chosen.content)["result"]["title"] == "李老师"


def test_wagtails_review_e_mails_are_in_chinese_and_greet_by_full_name(demo, mailoutbox):
    """The editor's page went to review in the fixture: the office head was told, in Chinese."""
    to_head = [m for m in mailoutbox if m.to == [demo["office_head"].email]]
    assert to_head, [m.to for m in mailoutbox]
    for message in to_head:
        assert not english_words(message.subject + "\n" + message.body, demo), message.body
        assert "刘主任，您好：" in message.body
    # The leaders were told of the month sent to them, in Chinese too.
    to_leader = [m for m in mailoutbox if m.to == [demo["leader_wan"].email]]
    assert to_leader and not english_words(to_leader[0].subject, demo)


def test_permissions_are_named_in_chinese_on_the_group_screen(client, demo):
    """Django stores "Can add case"; the group screen reads 可添加个案 and Wagtail's own page
    permissions read 发布任何页面."""
    client.force_login(demo["admin"])
    group = Group.objects.get(name=demo["office"].groups.first().name)
    screen = visible_text(
        client.get(reverse("wagtailusers_groups:edit", args=[group.pk])).content.decode()
    )
    assert "可添加个案" in screen and "Can add case" not in screen
    assert "发布任何页面" in screen and "Publish any page" not in screen


def test_wagtail_says_how_long_ago_in_one_chinese_unit():
    """Wagtail's history and workflow times: 5天前, not "5天，13小时前"."""
    import datetime

    from django.template import Context, Template
    from django.utils import timezone

    then = timezone.now() - datetime.timedelta(days=5, hours=13)
    template = Template(
        "{% load wagtailadmin_tags %}{{ then|timesince_simple }}|"
        "{% timesince_last_update then use_shorthand=False %}"
    )
    simple, full = template.render(Context({"then": then})).split("|")
    assert simple == "5天前"
    assert "，" not in full and "13小时" not in full
