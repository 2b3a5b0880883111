from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "role", "municipality", "organisation"]
    list_filter = ["role", "municipality"]
    list_select_related = ["user", "municipality"]
