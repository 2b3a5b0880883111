"""The coordinating team's group gets "change" and "view" on the taxonomy, as themes/wagtail_hooks.py promises.

Labels are edited in the admin; codes are stable identifiers (read-only there, refused by TaxonomyTerm.clean), and
terms are neither added nor deleted by hand, so "add" and "delete" stay ungranted. The admin checks
themes.permissions itself (TaxonomyPermissionPolicy); the group permissions keep Django's own views telling the same
story.
"""

from django.db import migrations

from themes.migration_helpers import grant_model_permissions

COORDINATORS = "Coordinating team"
MODELS = ("municipality", "workpackage", "valuechainstep", "relocationphase", "sprintmethod")
ACTIONS = ("change", "view")


def grant(apps, schema_editor):
    for model in MODELS:
        grant_model_permissions(
            apps, group=COORDINATORS, app_label="themes", model=model, verbose_name=model, actions=ACTIONS
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COORDINATORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="themes",
                codename__in=[f"{action}_{model}" for model in MODELS for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("themes", "0003_role_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
