"""Offices become reference data, and each role's group is linked to its role code.

The profile's office name is kept through the change: an office is made for every name in use.
The groups made by 0002_roles are found by the names they were given there, once; from then on
a group may be renamed freely.
"""

import django.db.models.deletion
from django.db import migrations, models

# The names 0002_roles gave the groups.
GROUPS = {"teacher": "帮扶教师", "manager": "学校负责人", "office": "局科室", "leader": "责任领导"}


def forwards(apps, schema_editor):
    Profile = apps.get_model("casework", "Profile")
    Office = apps.get_model("casework", "Office")
    for profile in Profile.objects.exclude(office_name=""):
        profile.office, _ = Office.objects.get_or_create(name=profile.office_name)
        profile.save(update_fields=["office"])

    Group = apps.get_model("auth", "Group")
    GroupRole = apps.get_model("casework", "GroupRole")
    for code, name in GROUPS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None and not GroupRole.objects.filter(code=code).exists():
            GroupRole.objects.create(group=group, code=code)


def backwards(apps, schema_editor):
    Profile = apps.get_model("casework", "Profile")
    for profile in Profile.objects.exclude(office=None).select_related("office"):
        profile.office_name = profile.office.name
        profile.save(update_fields=["office_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("casework", "0010_case_list_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="Office",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=30, unique=True, verbose_name="name")),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "office",
                "verbose_name_plural": "offices",
                "ordering": ["sort_order", "name"],
            },
        ),
        migrations.CreateModel(
            name="GroupRole",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(choices=[("teacher", "support teacher"), ("manager", "school case manager"), ("office", "bureau office staff"), ("leader", "responsible leader")], max_length=20, unique=True, verbose_name="role")),
                ("group", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="casework_role", to="auth.group", verbose_name="group")),
            ],
            options={"verbose_name": "group role", "verbose_name_plural": "group roles"},
        ),
        migrations.RenameField(model_name="profile", old_name="office", new_name="office_name"),
        migrations.AddField(
            model_name="profile",
            name="office",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="staff", to="casework.office", verbose_name="office"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="profile", name="office_name"),
    ]
