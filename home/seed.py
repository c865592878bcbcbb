"""Load notice 石大教体发〔2020〕38号 from seed/notice_2020_38.json into pages and checklist items."""

import datetime
import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from casework.models import ChecklistCategory, ChecklistItem, Office

from .models import (
    ChecklistPage,
    GovernmentSiteFooter,
    HomePage,
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
    PlanPage,
    PrivacyNoticePage,
)

SEED_FILE = Path(__file__).resolve().parent / "seed" / "notice_2020_38.json"
PRIVACY_FILE = Path(__file__).resolve().parent / "seed" / "privacy_notice.json"


def read_seed(path=SEED_FILE):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class SeedLoader:
    """Creates what is missing; with reset=True also rewrites what exists to the seed.

    Without reset an editor's later changes are kept, so running it again changes nothing.
    """

    def __init__(self, data=None, reset=False, log=None):
        self.data = data or read_seed()
        self.reset = reset
        self.log = log or (lambda msg: None)
        self.changed = []

    @transaction.atomic
    def run(self):
        self.load_checklist()
        home = self.load_home()
        index = self.load_child(home, NoticeIndexPage, self.data["notice_index"])
        notice, placed = self.load_notice(home, index)
        plan = self.load_child(notice, PlanPage, self.plan_fields())
        checklist = self.load_child(notice, ChecklistPage, self.data["checklist_page"])
        self.load_attachments(notice, {"plan": plan, "checklist": checklist})
        if placed:
            self.redirect_old_addresses(notice, [notice, plan, checklist])
        self.load_footer()
        self.load_child(home, PrivacyNoticePage, read_seed(PRIVACY_FILE))
        return self.changed

    def load_notice(self, home, index):
        """The notice under 通知公告; True as well if it was created or moved there now."""
        fields = self.notice_fields()
        # Before 通知公告 existed the notice sat under the home page.
        old = NoticePage.objects.child_of(home).filter(slug=fields["slug"]).first()
        if old is not None:
            old.move(index, pos="last-child")
            self.changed.append(f"moved NoticePage {old.slug} under {index.title}")
            return NoticePage.objects.get(pk=old.pk), True
        created = not NoticePage.objects.child_of(index).filter(slug=fields["slug"]).exists()
        return self.load_child(index, NoticePage, fields), created

    def redirect_old_addresses(self, notice, pages):
        """The addresses the notice, plan and checklist had under the home page lead to them."""
        old_root = f"/{notice.slug}/"
        for page in pages:
            relative = page.url_path.split(f"/{notice.slug}/", 1)[1]
            old_path = Redirect.normalise_path(old_root + relative)
            # Wagtail creates these itself when it moves a page; a new site gets them here.
            if not Redirect.objects.filter(old_path=old_path).exists():
                Redirect.objects.create(old_path=old_path, redirect_page=page, is_permanent=True)
                self.changed.append(f"redirected {old_path}")

    def load_footer(self):
        site = Site.objects.filter(is_default_site=True).first()
        if site and not GovernmentSiteFooter.objects.filter(site=site).exists():
            GovernmentSiteFooter.objects.create(site=site, **self.data["footer"])
            self.changed.append("created the site footer")

    def load_checklist(self):
        categories = {}
        for row in self.data["categories"]:
            categories[row["number"]] = self.upsert(
                ChecklistCategory, {"number": row["number"]}, row
            )
        for row in self.data["checklist_items"]:
            values = {
                **row,
                "category": categories[row["category"]],
                "deadline": datetime.date.fromisoformat(row["deadline"]),
            }
            self.upsert(ChecklistItem, {"number": row["number"]}, values)
        self.load_offices()

    def load_offices(self):
        """The bureau's offices: every one the checklist makes responsible, in its order."""
        names = []
        for row in self.data["checklist_items"]:
            names += [n for n in row["offices"].split() if n not in names]
        for order, name in enumerate(names):
            self.upsert(Office, {"name": name}, {"name": name, "sort_order": order})

    def upsert(self, model, lookup, values):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**values)
            self.changed.append(f"created {obj}")
        elif self.reset:
            for key, value in values.items():
                setattr(obj, key, value)
            obj.save()
            self.changed.append(f"reset {obj}")
        return obj

    def load_home(self):
        site = Site.objects.filter(is_default_site=True).first()
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = HomePage(slug="dawukou-bureau", **self.data["home"])
            root.add_child(instance=home)
            home.save_revision().publish()
            self.changed.append("created the home page")
            # Wagtail's initial "Welcome" page is replaced by the bureau's front page.
            if site:
                old_root = site.root_page.specific
                site.root_page = home
                site.site_name = self.data["home"]["title"]
                site.save()
                if not isinstance(old_root, HomePage) and old_root.depth == 2:
                    # The deletion's history entry names the page in Chinese, not by Wagtail's
                    # "Welcome to your new Wagtail site!".
                    old_root.title = old_root.draft_title = gettext("initial welcome page")
                    old_root.delete()
            else:
                Site.objects.create(
                    hostname="localhost",
                    port=80,
                    root_page=home,
                    is_default_site=True,
                    site_name=self.data["home"]["title"],
                )
        elif self.reset:
            self.publish(home, self.data["home"])
        return home

    def load_child(self, parent, page_class, fields):
        page = page_class.objects.child_of(parent).filter(slug=fields["slug"]).first()
        if page is None:
            page = page_class(**fields)
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.changed.append(f"created {page_class.__name__} {page.slug}")
        elif self.reset:
            self.publish(page, fields)
        return page

    def publish(self, page, fields):
        for key, value in fields.items():
            setattr(page, key, value)
        page.save_revision().publish()
        self.changed.append(f"reset {page.slug}")

    def load_attachments(self, notice, pages):
        if notice.attachments.exists() and not self.reset:
            return
        # Set on the page and published, so the attachments are part of its revision.
        notice.attachments = [
            NoticeAttachment(sort_order=order, title=row["title"], page=pages[row["page"]])
            for order, row in enumerate(self.data["notice"]["attachments"])
        ]
        notice.save_revision().publish()
        self.changed.append("attached the plan and checklist to the notice")

    def notice_fields(self):
        fields = {k: v for k, v in self.data["notice"].items() if k != "attachments"}
        if fields.get("issued_on"):
            fields["issued_on"] = datetime.date.fromisoformat(fields["issued_on"])
        return fields

    def plan_fields(self):
        return dict(self.data["plan"])
