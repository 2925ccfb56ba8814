from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

EDITOR_PERMISSIONS = [
    "view_event",
    "add_event",
    "change_event",
    "view_actor",
    "add_actor",
    "change_actor",
    "view_source",
    "add_source",
    "change_source",
    "view_tag",
    "add_tag",
    "change_tag",
    "view_participation",
    "add_participation",
    "change_participation",
    "delete_participation",
    "view_citation",
    "add_citation",
    "change_citation",
    "delete_citation",
    "view_eventrelation",
    "add_eventrelation",
    "change_eventrelation",
    "delete_eventrelation",
]
REVIEWER_EXTRA = ["publish_event", "delete_event"]


class Command(BaseCommand):
    help = "Create (or bring up to date) the 'editors' and 'reviewers' groups."

    def handle(self, *args, **options) -> None:
        for name, codenames in (
            ("editors", EDITOR_PERMISSIONS),
            ("reviewers", EDITOR_PERMISSIONS + REVIEWER_EXTRA),
        ):
            group, _ = Group.objects.get_or_create(name=name)
            permissions = Permission.objects.filter(
                content_type__app_label="timeline", codename__in=codenames
            )
            group.permissions.set(permissions)
            self.stdout.write(f"{name}: {permissions.count()} permissions")
        self.stdout.write(
            self.style.SUCCESS(
                "Roles ready. Give an account a role with: add it to the group in the admin "
                "(Users → the user → Groups), and tick 'Staff status'."
            )
        )
