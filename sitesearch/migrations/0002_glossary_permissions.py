"""The coordinating team's group gets the glossary's model permissions, matching themes.permissions.can_edit_glossary.

The admin checks the rule itself (sitesearch.wagtail_hooks); the group permissions keep Django's own view (e.g. the
group admin page) telling the same story.
"""

from django.db import migrations

from themes.migration_helpers import grant_model_permissions

COORDINATORS = "Coordinating team"


def grant(apps, schema_editor):
    grant_model_permissions(
        apps, group=COORDINATORS, app_label="sitesearch", model="glossaryentry", verbose_name="glossary entry"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sitesearch", "0001_glossary_and_query_log"),
        ("themes", "0003_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
