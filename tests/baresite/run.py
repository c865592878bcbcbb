"""Migrate the bare site from zero, log in, list cases, reconcile with no checklist; print JSON.

Run by tests/test_baresite.py in a process of its own (its settings are not the site's).
"""

import json
import os
import sys

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.baresite.settings"
django.setup()

from django.contrib.messages import get_messages  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from casework.access.roles import Role, group_for  # noqa: E402
from casework.access.scope import system_scope  # noqa: E402
from casework.idnumbers import birth_date_from_id, check_digit  # noqa: E402
from casework.models import (  # noqa: E402
    AgencyListEntry,
    Case,
    ImportBatch,
    ImportKind,
    Profile,
    School,
    Student,
)

out = {}
call_command("migrate", verbosity=0, interactive=False)
call_command("makemigrations", "--check", "--dry-run", verbosity=0)

from django.contrib.auth import get_user_model  # noqa: E402

User = get_user_model()
office = User.objects.create_user("office", password="pw-bare-123")
office.groups.add(group_for(Role.OFFICE))
Profile.objects.create(user=office)
teacher = User.objects.create_user("teacher", password="pw-bare-123")
teacher.groups.add(group_for(Role.TEACHER))

first17 = "11010520120305001"
id_number = first17 + check_digit(first17)
with system_scope():
    school = School.objects.create(name="Bare School", kind="primary", area="urban")
    student = Student.objects.create(
        school=school,
        name="Child One",
        gender="M",
        id_number=id_number,
        birth_date=birth_date_from_id(id_number),
    )
    Profile.objects.create(user=teacher, school=school)
    # On the poverty office's list and given no support: a finding (漏报?) to open a case for.
    batch = ImportBatch.objects.create(
        kind=ImportKind.POVERTY, original_name="poverty.xlsx", sha256="0" * 64, uploaded_by=office
    )
    AgencyListEntry.objects.create(
        kind=ImportKind.POVERTY, id_number=id_number, name="Child One", batch=batch
    )

client = Client()
client.force_login(office)
response = client.get(reverse(Case.snippet_viewset.get_url_name("list")))
out["case_list_status"] = response.status_code
out["student_list_status"] = client.get(
    reverse(Student.snippet_viewset.get_url_name("list"))
).status_code
out["student_listed"] = (
    "Child One"
    in client.get(reverse(Student.snippet_viewset.get_url_name("list"))).content.decode()
)
response = client.get(reverse("casework_imports:reconcile"))
out["reconcile_status"] = response.status_code
response = client.post(reverse("casework_imports:open_cases"), {"kind": "missed", "all": "1"})
out["open_cases_status"] = response.status_code
out["open_cases_messages"] = [str(m) for m in get_messages(response.wsgi_request)]

client.force_login(teacher)
response = client.get(reverse(Case.snippet_viewset.get_url_name("list")))
out["teacher_case_list_status"] = response.status_code
out["teacher_students"] = (
    "Child One"
    in client.get(reverse(Student.snippet_viewset.get_url_name("list"))).content.decode()
)
out["cases"] = Case.unscoped.count()

json.dump(out, sys.stdout)
