import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_demo_user_and_is_idempotent(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("seed_demo", "--password", "Demo-lösenord-2026")
    call_command("seed_demo", "--password", "Demo-lösenord-2026")
    User = get_user_model()
    names = set(User.objects.values_list("username", flat=True))
    assert {"coordinator", "partner", "lead-kiruna", "analyst-lulea", "lead-overtornea"} <= names
    assert User.objects.filter(username__startswith="lead-").count() == 14
    assert User.objects.get(username="analyst-kiruna").membership.municipality.slug == "kiruna"
    assert User.objects.get(username="coordinator").check_password("Demo-lösenord-2026")


def test_the_generated_demo_password_is_random_and_kept(settings, tmp_path):
    from portal.management.commands.seed_demo import demo_password

    settings.DATA_DIR = tmp_path
    first = demo_password()
    assert len(first) >= 12
    assert demo_password() == first
    assert (tmp_path / "demo-password").stat().st_mode & 0o077 == 0


def test_seed_demo_is_refused_outside_dev_settings(settings):
    settings.STIGAR_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("seed_demo")
