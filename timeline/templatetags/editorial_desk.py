from django import template

from timeline.selectors.editorial_desk import desk_counts, editor_home

register = template.Library()


@register.simple_tag
def desk_home(user) -> dict:
    return editor_home(user=user)


@register.simple_tag
def desk_navigation(user):
    if not (user.is_authenticated and user.is_staff):
        return None
    return desk_counts(user=user)
