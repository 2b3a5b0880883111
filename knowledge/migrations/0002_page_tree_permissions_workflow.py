"""The knowledge page tree (/kunskap/ under the site root), who may draft and publish there, and the review workflow."""

import uuid

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
INDEX_SLUG = "kunskap"
LEADS = "Project leads"
COORDINATORS = "Coordinating team"
WORKFLOW_NAME = "Knowledge review by the coordinating team"
TASK_NAME = "Coordinating team review"


def _step(number):
    # Treebeard's materialised path: fixed-width base-36 steps.
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _next_child_path(Page, parent):
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    number = int(last.path[-STEPLEN:], 36) + 1 if last else 1
    return parent.path + _step(number)


def create_tree(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    KnowledgeIndexPage = apps.get_model("knowledge", "KnowledgeIndexPage")

    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(language_code="sv")
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        tree_root = Page.objects.get(depth=1)
        page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
        home = Page.objects.create(
            title="Stigar", draft_title="Stigar", slug="home", content_type=page_type, path=_next_child_path(Page, tree_root),
            depth=2, numchild=0, url_path="/home/", live=True, locale=locale, translation_key=uuid.uuid4(),
        )
        tree_root.numchild += 1
        tree_root.save(update_fields=["numchild"])
        site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Stigar")
    home = site.root_page
    # Wagtail's placeholder "Welcome to your new Wagtail site!" becomes the portal's root page; "/" itself is the portal's home view.
    home.title = home.draft_title = "Stigar"
    home.save(update_fields=["title", "draft_title"])
    site.site_name = site.site_name or "Stigar"
    site.save(update_fields=["site_name"])

    if KnowledgeIndexPage.objects.exists():
        return
    index_type, _ = ContentType.objects.get_or_create(app_label="knowledge", model="knowledgeindexpage")
    now = timezone.now()
    KnowledgeIndexPage.objects.create(
        title="Kunskapsbanken",
        draft_title="Kunskapsbanken",
        slug=INDEX_SLUG,
        content_type=index_type,
        path=_next_child_path(Page, home),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{INDEX_SLUG}/",
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        locale=locale,
        translation_key=uuid.uuid4(),
        intro="<p>Lärdomar, metodkort och erfarenhetsutbyten från kommunernas sprintar – granskade av koordineringsteamet.</p>",
    )
    home.numchild = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count()
    home.save(update_fields=["numchild"])


def grant_permissions_and_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    KnowledgeIndexPage = apps.get_model("knowledge", "KnowledgeIndexPage")

    index = KnowledgeIndexPage.objects.get(slug=INDEX_SLUG)
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    names = {"add_page": "Can add page", "change_page": "Can change page", "publish_page": "Publish any page"}
    permissions = {
        codename: Permission.objects.get_or_create(content_type=page_type, codename=codename, defaults={"name": name})[0]
        for codename, name in names.items()
    }
    leads, _ = Group.objects.get_or_create(name=LEADS)
    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS)
    # Leads draft and edit; only the coordinating team publishes (and so approves in the workflow).
    for group, codenames in ((leads, ("add_page", "change_page")), (coordinators, ("add_page", "change_page", "publish_page"))):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(group=group, page_id=index.pk, permission=permissions[codename])

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task, _ = GroupApprovalTask.objects.get_or_create(name=TASK_NAME, defaults={"content_type": task_type, "active": True})
    task.groups.add(coordinators)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
        ("themes", "0003_role_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_tree, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions_and_workflow, migrations.RunPython.noop),
    ]
