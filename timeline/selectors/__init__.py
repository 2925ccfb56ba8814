"""Reads: query functions over the models, used by views, the API, the admin and commands."""
