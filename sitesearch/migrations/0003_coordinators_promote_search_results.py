"""The coordinating team's group gets the model permissions of Wagtail's promoted search results, matching
themes.permissions.can_promote_search_results.

Wagtail's promotions admin (its menu item and views) asks Django's model permissions, so the group carries them.
"""

from django.db import migrations

from themes.migration_helpers import grant_model_permissions

COORDINATORS = "Coordinating team"


def grant(apps, schema_editor):
    grant_model_permissions(
        apps, group=COORDINATORS, app_label="wagtailsearchpromotions", model="searchpromotion", verbose_name="search promotion"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sitesearch", "0002_glossary_permissions"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
