"""Demo schools and accounts for local use; never run against real data."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from casework.access.roles import Role, group_for
from casework.models import Office, Profile, School

from .demo_ledger import load_demo_ledger, load_demo_reports

DEFAULT_PASSWORD = "sichasibu-demo"
#: Made by home's migration 0002_editor_group.
EDITOR_GROUP = "网站编辑"

SCHOOLS = [
    # (key, name, kind, area, township)
    ("A", "朝阳小学（演示A校）", School.Kind.PRIMARY, School.Area.URBAN, "长胜街道"),
    ("B", "沟口九年制学校（演示B校）", School.Kind.NINE_YEAR, School.Area.RURAL, "星海镇"),
    ("C", "育才幼儿园（演示）", School.Kind.KINDERGARTEN, School.Area.URBAN, "朝阳街道"),
]

#: username -> (family name, given name, role, school key, office)
ACCOUNTS = {
    "admin": ("管理", "员", None, None, ""),
    "editor": ("网站", "编辑", None, None, ""),
    "teacher_a": ("李", "老师", Role.TEACHER, "A", ""),
    "teacher_b": ("马", "老师", Role.TEACHER, "B", ""),
    "manager_a": ("王", "校长", Role.MANAGER, "A", ""),
    "office": ("张", "科员", Role.OFFICE, None, "基础教育室"),
    "leader_wan": ("万", "东旺", Role.LEADER, None, ""),
    "leader_lv": ("吕", "志武", Role.LEADER, None, "规划财务室"),
    "office_head": ("刘", "主任", None, None, ""),
}

#: Accounts of the website's review (信息发布审核) that are no casework role: username -> group.
#: Site groups (home's migrations) of the accounts without a casework role.
REVIEW_GROUPS = {"editor": EDITOR_GROUP, "office_head": "科室负责人"}


def demo_password():
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


@transaction.atomic
def load_demo(password=None):
    """Create the demo schools and one account per role; return the accounts by username."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("The demo accounts are for local use only (DEBUG is off).")
    password = password or demo_password()
    schools = {}
    for key, name, kind, area, township in SCHOOLS:
        schools[key], _ = School.objects.get_or_create(
            name=name, defaults={"kind": kind, "area": area, "township": township}
        )
    User = get_user_model()
    users = {}
    for username, (last, first, role, school_key, office) in ACCOUNTS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.last_name, user.first_name = last, first
        user.email = f"{username}@demo.invalid"
        user.is_staff = username == "admin"
        user.is_superuser = username == "admin"
        user.set_password(password)
        user.save()
        if role:
            user.groups.set([group_for(role)])
        elif username in REVIEW_GROUPS:
            user.groups.set([Group.objects.get(name=REVIEW_GROUPS[username])])
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "school": schools.get(school_key),
                "office": Office.objects.get_or_create(name=office)[0] if office else None,
                "leader_name": last + first if role == Role.LEADER else "",
            },
        )
        users[username] = user
    for hook in DEMO_HOOKS:
        hook(users=users, schools=schools)
    return users, schools


#: Parts of the demo that run after the accounts exist: callables(users=..., schools=...).
DEMO_HOOKS = [load_demo_ledger, load_demo_reports]
