"""factory_boy factories shared by the test suite."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from factory.declarations import LazyAttribute, PostGenerationMethodCall, Sequence
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from themes.models import Municipality, Role
from themes.services import membership_assign


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"user{n}")
    email = LazyAttribute(lambda u: f"{u.username}@example.test")
    password = PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


def user_with_role(
    role: Role | str, municipality: Municipality | str | None = None, **kwargs: object
) -> User:
    """A saved user with a membership; `municipality` may be a slug."""
    if isinstance(municipality, str):
        municipality = Municipality.objects.get(slug=municipality)
    user: User = UserFactory.create(**kwargs)
    membership_assign(user=user, role=Role(role), municipality=municipality, skip_permission_checks=True)
    return user
