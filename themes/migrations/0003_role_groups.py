"""Creates one Django group per role; coordinators and leads may enter the Wagtail admin (leads to draft lessons)."""

from django.db import migrations

GROUPS = {
    "Coordinating team": True,
    "Project leads": True,
    "Analysts": False,
    "Partners": False,
}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for name, admin_access in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        if admin_access:
            group.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0002_taxonomy_data"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
