"""The "四查四补" admin: snippet view sets for the ledger, grouped under one menu."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import UpdatedAtColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from casework.choosers import (
    CaseworkChooserViewSet,
    StudentChooserViewSet,
    teacher_chooser_viewset,
)
from casework.closeoff.columns import CloseOffColumn
from casework.columns import (
    ChoiceColumn,
    LocalDateColumn,
    MaskedIDColumn,
    NextVisitColumn,
    TextColumn,
)
from casework.filters import CaseFilterSet, FindingFilterSet, StudentFilterSet, VisitFilterSet
from casework.forms import (
    CaseForm,
    FindingForm,
    HomeVisitForm,
    StudentForm,
    SupportRecordForm,
)
from casework.models import Case, Finding, HomeVisit, Student, SupportRecord
from casework.people import full_name
from casework.privacy.views import StudentEditView, StudentInspectView
from casework.views.case_file import CaseFileView
from casework.views.common import (
    CaseChildCreateView,
    CaseIndexView,
    CaseworkEditView,
    CaseworkIndexView,
    CaseworkInspectView,
    OpenCaseView,
)
from casework.views.reassign import ReassignView


class CaseworkViewSet(SnippetViewSet):
    index_view_class = CaseworkIndexView
    edit_view_class = CaseworkEditView
    chooser_viewset_class = CaseworkChooserViewSet
    inspect_view_class = CaseworkInspectView
    search_backend_name = None  # ORM lookups: children's data is never put in a search index
    copy_view_enabled = False
    list_per_page = 50
    #: Export columns that are not fields, for the background export (casework.list_exports).
    export_lookups = {}

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(export_lookups=self.export_lookups, **kwargs)


class StudentViewSet(CaseworkViewSet):
    model = Student
    icon = "user"
    chooser_viewset_class = StudentChooserViewSet
    menu_label = _("Students")
    menu_order = 100
    list_display = [
        "name",
        ChoiceColumn("gender", label=_("gender")),
        TextColumn("school", label=_("school")),
        TextColumn("grade", label=_("grade")),
        TextColumn("class_name", label=_("class")),
        MaskedIDColumn("id_number", label=_("ID number")),
    ]
    search_fields = ["name", "id_number", "student_number"]
    filterset_class = StudentFilterSet
    ordering = ("school__name", "grade", "class_name", "name")
    inspect_view_enabled = True
    # With the guardian's copy (查阅复制) among their buttons, for the bureau.
    edit_view_class = StudentEditView
    inspect_view_class = StudentInspectView
    inspect_view_fields_exclude = ["id_number", "latest_revision", "anonymised_at"]
    list_export = ["name", "school", "grade", "class_name", "id_number", "student_number"]
    export_filename = _("student roll")
    export_lookups = {"school": (("school__name",), None)}
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("name"), FieldPanel("gender"), FieldPanel("birth_date")]
                    ),
                    FieldRowPanel([FieldPanel("id_number"), FieldPanel("student_number")]),
                    FieldRowPanel(
                        [FieldPanel("school"), FieldPanel("grade"), FieldPanel("class_name")]
                    ),
                ],
                heading=_("the child"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("guardian_name"),
                            FieldPanel("guardian_relation"),
                            FieldPanel("phone"),
                        ]
                    ),
                    FieldRowPanel([FieldPanel("hukou_township"), FieldPanel("hukou_village")]),
                    FieldPanel("address"),
                ],
                heading=_("family and household registration"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("is_registered_poor"), FieldPanel("poverty_exit_year")]
                    ),
                    FieldRowPanel([FieldPanel("is_dibao"), FieldPanel("is_tekun")]),
                    FieldRowPanel([FieldPanel("is_left_behind"), FieldPanel("lives_with")]),
                    FieldPanel("is_struggling"),
                    FieldRowPanel(
                        [
                            FieldPanel("is_disabled"),
                            FieldPanel("disability_category"),
                            FieldPanel("disability_grade"),
                            FieldPanel("placement"),
                        ]
                    ),
                ],
                heading=_("circumstances"),
            ),
        ],
        base_form_class=StudentForm,
    )

    def get_queryset(self, request):
        return Student.objects.for_user(request.user).select_related("school")


class CaseViewSet(CaseworkViewSet):
    model = Case
    icon = "folder-open-inverse"
    menu_label = _("Cases")
    menu_order = 200
    index_view_class = CaseIndexView
    add_view_class = OpenCaseView
    inspect_view_enabled = True
    inspect_view_class = CaseFileView
    list_display = [
        "student",
        TextColumn("school", label=_("school"), accessor="student.school.name"),
        ChoiceColumn("concern", label=_("concern"), sort_key="concern"),
        TextColumn("checklist_item", label=_("checklist item"), accessor="checklist_item.number"),
        ChoiceColumn("risk", label=_("risk level"), sort_key="risk"),
        ChoiceColumn("status", label=_("status"), sort_key="status"),
        TextColumn("teacher", label=_("paired teacher"), accessor="teacher_name"),
        NextVisitColumn("next_visit_due", label=_("next visit due"), sort_key="next_visit_due"),
        LocalDateColumn("opened_on", label=_("opened on"), sort_key="opened_on"),
    ]
    search_fields = ["student__name", "student__id_number", "student__student_number"]
    filterset_class = CaseFilterSet
    ordering = ("-opened_on", "-id")
    list_export = [
        "student.name",
        "student.school.name",
        "student.id_number",
        "get_concern_display",
        "checklist_item.number",
        "get_risk_display",
        "get_status_display",
        "teacher_name",
        "opened_on",
        "next_visit_due",
        "closed_on",
    ]
    export_headings = {
        "student.name": _("student"),
        "student.school.name": _("school"),
        "student.id_number": _("ID number"),
        "get_concern_display": _("concern"),
        "checklist_item.number": _("checklist item"),
        "get_risk_display": _("risk level"),
        "get_status_display": _("status"),
        "teacher_name": _("paired teacher"),
    }
    export_filename = _("case ledger")
    export_lookups = {
        "teacher_name": (
            ("teacher__first_name", "teacher__last_name", "teacher__username"),
            lambda first, last, username: full_name(first, last, username) if username else "",
        ),
    }
    edit_handler = ObjectList(
        [
            FieldPanel("student"),
            FieldRowPanel([FieldPanel("concern"), FieldPanel("checklist_item")]),
            FieldRowPanel([FieldPanel("risk"), FieldPanel("status"), FieldPanel("opened_on")]),
            FieldPanel(
                "teacher",
                widget=teacher_chooser_viewset.widget_class(
                    linked_fields={"student": "#id_student"}
                ),
            ),
            FieldPanel("summary"),
            MultiFieldPanel(
                [
                    FieldPanel("closed_on"),
                    FieldPanel("close_reason"),
                    FieldPanel("close_verification"),
                ],
                heading=_("closing off"),
            ),
        ],
        base_form_class=CaseForm,
    )

    def get_queryset(self, request):
        return Case.objects.for_user(request.user).with_file()

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("reassign/<int:pk>/", ReassignView.as_view(), name="reassign"),
        ]


class HomeVisitViewSet(CaseworkViewSet):
    model = HomeVisit
    icon = "home"
    menu_label = _("Home visits")
    menu_order = 300
    add_view_class = CaseChildCreateView
    list_display = [
        "case",
        LocalDateColumn("visited_on", label=_("date of visit"), sort_key="visited_on"),
        ChoiceColumn("mode", label=_("mode")),
        ChoiceColumn("child_state", label=_("state of the child")),
        TextColumn("visitors", label=_("visitors")),
        UpdatedAtColumn(),
    ]
    search_fields = ["case__student__name", "findings"]
    filterset_class = VisitFilterSet
    ordering = ("-visited_on", "-created_at")
    panels = [
        FieldPanel("case"),
        FieldRowPanel([FieldPanel("visited_on"), FieldPanel("mode")]),
        FieldPanel("visitors"),
        FieldPanel("child_state"),
        FieldRowPanel([FieldPanel("leave_reason"), FieldPanel("leave_reason_other")]),
        FieldPanel("findings"),
        FieldPanel("actions"),
        FieldPanel("next_visit_due"),
    ]
    edit_handler = ObjectList(panels, base_form_class=HomeVisitForm)

    def get_queryset(self, request):
        return HomeVisit.objects.for_user(request.user).select_related(
            "case__student", "latest_revision"
        )


class SupportRecordViewSet(CaseworkViewSet):
    model = SupportRecord
    icon = "tasks"
    menu_label = _("Support")
    menu_order = 400
    add_view_class = CaseChildCreateView
    list_display = [
        "case",
        LocalDateColumn("given_on", label=_("date"), sort_key="given_on"),
        ChoiceColumn("kind", label=_("kind")),
        TextColumn("amount", label=_("amount (yuan)")),
        TextColumn("given_by", label=_("given by")),
    ]
    search_fields = ["case__student__name", "funding_source", "given_by"]
    list_filter = ["kind"]
    ordering = ("-given_on", "-created_at")
    panels = [
        FieldPanel("case"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("amount"), FieldPanel("given_on")]),
        FieldRowPanel([FieldPanel("funding_source"), FieldPanel("given_by")]),
        FieldPanel("note"),
    ]
    edit_handler = ObjectList(panels, base_form_class=SupportRecordForm)

    def get_queryset(self, request):
        return SupportRecord.objects.for_user(request.user).select_related(
            "case__student", "latest_revision"
        )


class FindingViewSet(CaseworkViewSet):
    model = Finding
    icon = "warning"
    menu_label = _("Findings ledger")
    menu_order = 500
    list_display = [
        "problem",
        TextColumn("school", label=_("school")),
        TextColumn("checklist_item", label=_("checklist item"), accessor="checklist_item.number"),
        ChoiceColumn("status", label=_("status"), sort_key="status"),
        # Red with "overdue" past the 整改时限, as a case's overdue visit.
        NextVisitColumn("deadline", label=_("deadline"), sort_key="deadline"),
        CloseOffColumn("closeoff", label=_("close-off")),
    ]
    search_fields = ["problem", "rectification"]
    filterset_class = FindingFilterSet
    list_export = [
        "school.name",
        "checklist_item.number",
        "problem",
        "rectification",
        "get_status_display",
        "deadline",
        "closed_on",
        "evidence",
    ]
    export_headings = {
        "school.name": _("school"),
        "checklist_item.number": _("checklist item"),
        "get_status_display": _("status"),
    }
    export_filename = _("findings ledger")
    panels = [
        FieldRowPanel([FieldPanel("school"), FieldPanel("checklist_item"), FieldPanel("found_on")]),
        FieldPanel("problem"),
        FieldPanel("rectification"),
        FieldRowPanel([FieldPanel("deadline"), FieldPanel("status"), FieldPanel("closed_on")]),
        FieldPanel("evidence"),
    ]
    edit_handler = ObjectList(panels, base_form_class=FindingForm)

    def get_queryset(self, request):
        return Finding.objects.for_user(request.user).select_related(
            "school", "checklist_item", "latest_revision"
        )
