"""The language of a request that has no language in its path: the API and the exports.

Their answers must not depend on the caller's browser (a shared link and a script get the same
JSON), so they are in English unless `lang=ko` is asked for; an unknown `lang` is left to the
API's own validation, which names the parameter in a 422.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import translate_url
from django.utils import translation

API_PREFIX = "/api/"


def requested_api_language(request: HttpRequest) -> str:
    value = request.GET.get("lang", "").strip().lower()
    return value if value in ("en", "ko") else "en"


class ApiLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            language = requested_api_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def language_links(request: HttpRequest) -> dict:
    """The same page in every language, keeping the query string (filters, order, pages):
    for the language switch and the hreflang alternates. Not on the API or the admin."""
    path = request.get_full_path()
    current = translation.get_language() or settings.LANGUAGE_CODE
    links = []
    for code, name in settings.LANGUAGES:
        href = translate_url(path, code)
        if href == path and code != current:
            continue  # a page with no address in that language
        links.append(
            {
                "code": code,
                "name": name,
                "href": href,
                "absolute": request.build_absolute_uri(href),
                "current": code == current,
            }
        )
    if len(links) < 2:
        return {"language_links": [], "x_default_url": ""}
    # The address without a language: it redirects by the browser's Accept-Language.
    prefix = f"/{current}/"
    plain = "/" + path[len(prefix) :] if path.startswith(prefix) else path
    return {"language_links": links, "x_default_url": request.build_absolute_uri(plain)}
