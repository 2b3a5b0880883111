"""Creates one Django group per role; coordinators and leads may enter the Wagtail admin (leads to draft lessons)."""

from django.db import migrations

from themes.migration_helpers import grant_model_permissions

GROUPS = {
    "Coordinating team": True,
    "Project leads": True,
    "Analysts": False,
    "Partners": False,
}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, admin_access in GROUPS.items():
        Group.objects.get_or_create(name=name)
        if admin_access:
            grant_model_permissions(
                apps,
                group=name,
                app_label="wagtailadmin",
                model="admin",
                permissions={"access_admin": "Can access Wagtail admin"},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0002_taxonomy_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
