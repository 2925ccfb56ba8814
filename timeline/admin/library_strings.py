"""Strings the admin shows from libraries whose Korean catalogue lacks them:
django-simple-history (no Korean at all) and the few strings new in Django 6.1.

Marked here so that `makemessages` keeps them in ours (Django looks up a string in the
project's catalogue first); the libraries' templates and views then show them in Korean.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("- Select an option -"),
]
SIMPLE_HISTORY_STRINGS = [
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("View %s"),
    gettext_noop("Revert %s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
]
