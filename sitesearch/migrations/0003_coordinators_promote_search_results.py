"""The coordinating team's group gets the model permissions of Wagtail's promoted search results, matching
themes.permissions.can_promote_search_results.

Wagtail's promotions admin (its menu item and views) asks Django's model permissions, so the group carries them.
"""

from django.db import migrations

COORDINATORS = "Coordinating team"
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    promotion_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailsearchpromotions", model="searchpromotion"
    )
    group, _ = Group.objects.get_or_create(name=COORDINATORS)
    for action in ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=promotion_type,
            codename=f"{action}_searchpromotion",
            defaults={"name": f"Can {action} search promotion"},
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("sitesearch", "0002_glossary_permissions"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
