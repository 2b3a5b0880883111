"""The coordinating team may open Wagtail's user screens (the role itself is checked again by the services)."""

from django.db import migrations

from themes.migration_helpers import grant_model_permissions

USER_PERMISSIONS = {"add_user": "Can add user", "change_user": "Can change user", "view_user": "Can view user"}


def grant(apps, schema_editor):
    grant_model_permissions(
        apps, group="Coordinating team", app_label="auth", model="user", permissions=USER_PERMISSIONS
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_invitation"),
        ("themes", "0003_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
