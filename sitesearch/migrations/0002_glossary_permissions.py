"""The coordinating team's group gets the glossary's model permissions, matching themes.permissions.can_edit_glossary.

The admin checks the rule itself (sitesearch.wagtail_hooks); the group permissions keep Django's own view (e.g. the
group admin page) telling the same story.
"""

from django.db import migrations

COORDINATORS = "Coordinating team"
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    glossary_type, _ = ContentType.objects.get_or_create(app_label="sitesearch", model="glossaryentry")
    group, _ = Group.objects.get_or_create(name=COORDINATORS)
    for action in ACTIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=glossary_type,
            codename=f"{action}_glossaryentry",
            defaults={"name": f"Can {action} glossary entry"},
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("sitesearch", "0001_glossary_and_query_log"),
        ("themes", "0003_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
