"""The coordinating team may open Wagtail's user screens (the role itself is checked again by the services)."""

from django.db import migrations

USER_PERMISSIONS = {"add_user": "Can add user", "change_user": "Can change user", "view_user": "Can view user"}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type, _ = ContentType.objects.get_or_create(app_label="auth", model="user")
    group, _ = Group.objects.get_or_create(name="Coordinating team")
    for codename, name in USER_PERMISSIONS.items():
        permission, _ = Permission.objects.get_or_create(
            content_type=user_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_invitation"),
        ("themes", "0003_role_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
