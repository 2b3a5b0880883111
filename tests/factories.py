"""factory_boy factories shared by the test suite."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from themes.models import Municipality, Role
from themes.services import membership_assign


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


def user_with_role(role: Role | str, municipality: Municipality | str | None = None, **kwargs: object):
    """A saved user with a membership; `municipality` may be a slug."""
    if isinstance(municipality, str):
        municipality = Municipality.objects.get(slug=municipality)
    user = UserFactory(**kwargs)
    membership_assign(user=user, role=Role(role), municipality=municipality, skip_permission_checks=True)
    return user
