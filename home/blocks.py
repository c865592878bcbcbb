"""StreamField blocks for the implementation plan."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class TaskBlock(blocks.StructBlock):
    """One check of the plan, with its measures, offices, units and deadline."""

    title = blocks.CharBlock(label=_("title"), required=False)
    check = blocks.TextBlock(label=_("what is checked"), required=False)
    measures = blocks.TextBlock(label=_("measures"))
    responsibility_label = blocks.ChoiceBlock(
        label=_("responsibility heading"),
        choices=[("责任部门", "责任部门"), ("责任单位", "责任单位")],
        default="责任部门",
    )
    responsible = blocks.CharBlock(label=_("responsible offices"))
    units = blocks.CharBlock(label=_("implementing units"))
    deadline = blocks.CharBlock(label=_("deadline"))
    checklist_item = blocks.IntegerBlock(
        label=_("checklist item"),
        min_value=1,
        max_value=7,
        help_text=_("The number of the item of attachment 2 this task belongs to."),
    )

    class Meta:
        icon = "tasks"
        template = "home/blocks/task.html"


class CategoryBlock(blocks.StructBlock):
    """One of the four checks, with its tasks."""

    heading = blocks.CharBlock(label=_("heading"))
    category = blocks.ChoiceBlock(
        label=_("category"),
        choices=[(c, c) for c in ("查损补失", "查漏补缺", "查短补齐", "查弱补强")],
    )
    summary = blocks.TextBlock(label=_("summary"))
    tasks = blocks.ListBlock(TaskBlock(), label=_("tasks"))

    class Meta:
        icon = "list-ul"
        template = "home/blocks/category.html"


class SectionBlock(blocks.StructBlock):
    """A general section of the plan, as rich text."""

    heading = blocks.CharBlock(label=_("heading"))
    body = blocks.RichTextBlock(label=_("body"), required=False)

    class Meta:
        icon = "doc-full"
        template = "home/blocks/section.html"


class PlanStreamBlock(blocks.StreamBlock):
    section = SectionBlock()
    category = CategoryBlock()
