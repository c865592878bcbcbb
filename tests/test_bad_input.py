"""Malformed input gives a 404 or a message in Chinese, never a 500.

The crawl takes every casework URL of the admin from the URL resolver, fills its parameters with
real objects' keys and with malformed ones, adds malformed query parameters, and asks for it as
each role: no answer may be a 5xx.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from casework.models import MonthlyReport
from tests import factories as f

ROLES = ["teacher_a", "manager_a", "office", "leader_wan"]
#: Query parameters the casework screens read, each with a value no form would send.
BAD_QUERY = (
    "week=0001-W01&year=0&month=13&period=abc&school=abc&item=abc&kind=%00&p=-1"
    "&status=%27&order=%22&q=%ff&date=2026-02-30&from=abc&to=99999-01-01&term=9&page=abc"
)
#: Malformed values for a path parameter, by converter.
BAD_PATH_VALUES = {"int": ["0", "99999999999999999999"], "str": ["abc"], "slug": ["x"]}


def casework_patterns(resolver=None, prefix=""):
    """(route, pattern) of every URL under the admin that belongs to casework."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from casework_patterns(p, route)
        elif isinstance(p, URLPattern) and route.startswith("admin/") and "casework" in route:
            yield route, p


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def fill(route, values):
    """The path of ``route`` with each parameter replaced by ``values(name, converter)``."""
    path = route.replace("^", "").replace("$", "").replace("\\.", ".")

    def one(match):
        converter, name, regex_name = match.groups()
        return str(values(name or regex_name, converter or "str"))

    return "/" + PARAM.sub(one, path)


@pytest.fixture
def world(two_schools, django_user_model):
    visit = f.make_visit(two_schools["case_a"])
    support = f.make_support(two_schools["case_a"])
    report = MonthlyReport.objects.create(month=datetime.date(2026, 10, 1))
    keys = {
        "student": two_schools["student_a"].pk,
        "case": two_schools["case_a"].pk,
        "homevisit": visit.pk,
        "supportrecord": support.pk,
        "monthlyreport": report.pk,
        "school": two_schools["a"].pk,
    }
    return {**two_schools, "keys": keys}


def real_values(route, world):
    model = next((m for m in world["keys"] if f"/{m}/" in route), None)
    own = world["keys"].get(model, world["case_a"].pk)

    def values(name, converter):
        return {
            "school_pk": world["a"].pk,
            "year": 2026,
            "week": 46,
            "school_year": 2026,
            "term": 1,
            "period": "2026-10",
            "number": 3,
            "kind": "case",
            "target": "case",
            "revision_id_a": "earliest",
            "revision_id_b": "latest",
        }.get(name, own)

    return values


def real_urls(world):
    """Every casework admin path with real keys, asked with malformed query parameters."""
    return sorted(
        fill(route, real_values(route, world)) + "?" + BAD_QUERY
        for route, _pattern in casework_patterns()
    )


def malformed_urls(world):
    """Every casework admin path once per malformed value of each of its parameters."""
    found = set()
    for route, _pattern in casework_patterns():
        real = real_values(route, world)
        for match in PARAM.finditer(route):
            converter = match.group(1) or "str"
            target = match.group(2) or match.group(3)
            for bad in BAD_PATH_VALUES.get(converter, []):
                found.add(
                    fill(route, lambda n, c, b=bad, t=target, r=real: b if n == t else r(n, c))
                )
    return sorted(found)


def crawl(user, urls):
    # A 500 is what a user would get: see it as a status, not as the exception behind it.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url}: {response.status_code}")
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_casework_screen_answers_5xx_to_malformed_query_parameters(world, role):
    urls = real_urls(world)
    assert len(urls) > 150, "the crawl should reach every casework screen"
    failures = crawl(world["users"][role], urls)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["teacher_a", "office"])
def test_no_casework_url_answers_5xx_to_a_malformed_key(world, role):
    urls = malformed_urls(world)
    assert len(urls) > 150
    failures = crawl(world["users"][role], urls)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_a_post_to_any_casework_chooser_create_is_no_5xx(world, role):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"][role])
    creates = [fill(r, lambda n, c: 0) for r, _p in casework_patterns() if r.endswith("create/")]
    assert len(creates) >= 6
    for url in creates:
        for data in ({}, {"name": "\x00" * 3, "birth_date": "99999-99-99", "school": "abc"}):
            response = client.post(url, data)
            assert response.status_code < 500, f"POST {url} {data}: {response.status_code}"


# The inputs the attack on main reproduced as 500s or as impossible values saved.


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, status",
    [
        ("/admin/casework/weekly/?week=0001-W01", 200),
        ("/admin/casework/weekly/?week=9999-W52", 200),
        ("/admin/snippets/casework/monthlyreport/summary/0/q1/", 404),
        ("/admin/snippets/casework/monthlyreport/summary/10000/q1/", 404),
        ("/admin/snippets/casework/monthlyreport/abc/export/", 404),
        ("/admin/casework/weekly/export/1/1/", 404),
    ],
)
def test_the_urls_that_gave_500_give_a_page_or_a_404(world, url, status):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["office"])
    assert client.get(url).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["0", "99999", "-5", "abc"])
def test_the_progress_view_says_in_chinese_that_it_has_no_such_year(world, year):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["office"])
    response = client.get(
        reverse("wagtailsnippets_casework_monthlyreport:progress"), {"year": year}
    )
    assert response.status_code == 200
    this_year = datetime.date.today().year
    assert f"没有{year}年的进度，显示的是{this_year}年" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("week", ["0001-W01", "9999-W52", "2026-W99", "abc"])
def test_the_weekly_overview_says_in_chinese_that_it_has_no_such_week(world, week):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["office"])
    response = client.get(reverse("casework_weekly_index"), {"week": week})
    assert response.status_code == 200
    this_week = timezone.localdate().isocalendar()
    shown = f"{this_week.year}年第{this_week.week}周"
    assert f"没有{week}的周报，显示的是{shown}。" in response.content.decode()


@pytest.mark.django_db
def test_the_weekly_overview_of_a_past_week_says_nothing_of_the_kind(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["office"])
    response = client.get(reverse("casework_weekly_index"), {"week": "2026-W10"})
    assert "的周报，显示的是" not in response.content.decode()
    assert "2026年第10周" in response.content.decode()


@pytest.mark.django_db
def test_term_figures_of_a_school_year_the_plan_never_knew_are_not_found(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["manager_a"])
    url = reverse("casework_term_figures", args=[world["a"].pk, 99999, 1])
    assert client.get(url).status_code == 404
    ok = reverse("casework_term_figures", args=[world["a"].pk, 2025, 1])
    assert client.get(ok).status_code == 200


def errors_of(instance):
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


@pytest.mark.django_db
@translation.override("zh-hans")
def test_a_case_cannot_be_opened_in_the_future(world):
    case = world["case_a"]
    case.opened_on = datetime.date.today() + datetime.timedelta(days=1)
    assert errors_of(case)["opened_on"] == ["日期不能晚于今天。"]
    case.opened_on = datetime.date(2019, 12, 31)
    assert errors_of(case)["opened_on"] == ["日期不能早于2020年。"]


@pytest.mark.django_db
@translation.override("zh-hans")
def test_a_visit_or_support_cannot_be_dated_before_the_plan(world):
    visit = f.make_visit(world["case_a"])
    support = f.make_support(world["case_a"])
    for day in (datetime.date(1, 1, 1), datetime.date(2019, 12, 31)):
        visit.visited_on = day
        assert errors_of(visit)["visited_on"] == ["日期不能早于2020年。"]
        support.given_on = day
        assert errors_of(support)["given_on"] == ["日期不能早于2020年。"]
    visit.visited_on = support.given_on = datetime.date(2020, 1, 1)
    visit.next_visit_due = datetime.date(2020, 1, 15)
    visit.full_clean()
    support.full_clean()


@pytest.mark.django_db
@translation.override("zh-hans")
def test_a_birth_date_in_the_future_is_refused_even_without_an_id_number(world):
    student = f.make_student(world["a"], id_number=None)
    student.birth_date = datetime.date(2030, 1, 1)
    assert errors_of(student)["birth_date"] == ["日期不能晚于今天。"]
    student.birth_date = datetime.date(1900, 1, 1)
    assert errors_of(student)["birth_date"] == ["出生日期早于30年前，请核对。"]


@pytest.mark.django_db
@translation.override("zh-hans")
def test_a_poverty_exit_year_outside_2014_to_this_year_is_refused(world):
    student = world["student_a"]
    student.is_registered_poor = True
    this_year = datetime.date.today().year
    for year in (1900, 2013, this_year + 1):
        student.poverty_exit_year = year
        assert errors_of(student)["poverty_exit_year"] == [
            f"脱贫年份应在2014年至{this_year}年之间。"
        ], year
    student.poverty_exit_year = 2018
    student.full_clean()


@pytest.mark.django_db
def test_a_monthly_report_for_0001_01_is_refused_and_nothing_is_saved(world):
    client = Client(raise_request_exception=False)
    client.force_login(world["users"]["office"])
    add = reverse(MonthlyReport.snippet_viewset.get_url_name("add"))
    before = MonthlyReport.objects.count()
    response = client.post(
        add,
        {
            "month": "0001-01-01",
            "rows-TOTAL_FORMS": "0",
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert MonthlyReport.objects.count() == before
    last = datetime.date.today().year + 1
    assert f"年份应在2020年至{last}年之间。" in response.content.decode()
