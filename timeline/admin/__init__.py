"""The editorial desk: thin ModelAdmins over timeline.services (writes) and timeline.selectors
(reads). Importing the package registers every ModelAdmin with the admin site."""

from timeline.admin import actors, events, library_strings, revisions, sources, tags

__all__ = ["actors", "events", "library_strings", "revisions", "sources", "tags"]
