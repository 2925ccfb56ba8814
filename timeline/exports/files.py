"""What every export shares: reading the events in chunks, the file cache, the export slot.

An export can be 20 000 events, so it is never held in memory: events are read in chunks and
the document is written as it is produced into a file of the export cache (EXPORT_CACHE_DIR,
shared by the web processes of a host), named by the public data version, the language and the
normalised filters: parameters the filters do not know play no part. The file is then
streamed, and the next reader of the same export is served from it. Building one holds an export
slot shared by every web process (EXPORT_SLOTS); when all are taken the answer is 503 with
Retry-After, so exports never occupy every worker while readers wait.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseBase, JsonResponse
from django.utils import translation

from timeline.caching import data_version
from timeline.limits import acquire_slot, release_slot
from timeline.rendering import StoredItem, rendered_items
from timeline.schemas import ActorRef, EventItem, SourceOut
from timeline.selectors.params import TimelineFilter

MAX_EXPORT_ROWS = 20_000
# Events read (and prefetched) at a time: memory stays flat whatever the export's size.
READ_CHUNK = 500
CACHE_SECONDS = 3600
RETRY_AFTER_SECONDS = 10
GENERATION_KEY = "export-cache-generation"


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    filename: str | None  # offered as an attachment under this name; None: shown inline
    # write(events, *, request, filters, language) -> the document as a stream of strings
    write: Callable[..., Iterator[str]]


def exported_items(events: QuerySet, *, language: str) -> Iterator[tuple[StoredItem, EventItem]]:
    """Each event (its id and last change) and its list entry in `language`, read from the
    stored renderings: an export says exactly what the API says, at a fraction of the cost of
    building entries from model rows."""
    for stored in rendered_items(events[:MAX_EXPORT_ROWS], language=language, chunk=READ_CHUNK):
        yield stored, EventItem.model_construct(**stored_entry(stored.item))


def stored_entry(raw: bytes | memoryview) -> dict:
    """A stored list entry as the fields the writers read (dates as dates, actors and sources
    as their schemas), without running the schema's resolvers, which read model rows."""
    data = orjson.loads(raw)
    data["start"] = date.fromisoformat(data["start"])
    data["end"] = date.fromisoformat(data["end"])
    data["actors"] = [ActorRef.model_construct(**actor) for actor in data["actors"]]
    for source in data["sources"]:
        if source["published_on"]:
            source["published_on"] = date.fromisoformat(source["published_on"])
    data["sources"] = [SourceOut.model_construct(**source) for source in data["sources"]]
    return data


def drain(buffer: io.StringIO) -> str:
    """What was written to `buffer` since the last drain."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def cache_generation() -> str:
    """A token that lives as long as the cache holding the data version: if that cache is
    emptied (a restart of an in-memory cache), the version starts again at 1, and files
    written under the old token must not be read for the new version 1."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def export_path(fmt: Format, *, request: HttpRequest, filters: TimelineFilter, language: str):
    # Absolute links depend on scheme and host; nothing else of the request matters.
    described = (
        f"{fmt.name}|{language}|{request.build_absolute_uri('/')}|{filters.model_dump_json()}"
    )
    digest = hashlib.sha256(described.encode()).hexdigest()
    name = f"{cache_generation()}-{data_version()}-{digest}.{fmt.name}"
    return Path(settings.EXPORT_CACHE_DIR) / name


def write_export(
    fmt: Format,
    events: QuerySet,
    *,
    request: HttpRequest,
    filters: TimelineFilter,
    language: str,
    path: Path,
) -> None:
    """Write the export to `path` as it is produced (flat memory), atomically: a reader sees
    the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    forget_old_exports(path.parent)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            for chunk in fmt.write(events, request=request, filters=filters, language=language):
                out.write(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def forget_old_exports(folder: Path) -> None:
    """Exports of an older data version are never read again; files older than the cache
    time are removed when a new one is written."""
    limit = time.time() - CACHE_SECONDS
    for old in folder.iterdir():
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < limit:
                old.unlink()


def busy() -> JsonResponse:
    response = JsonResponse(
        {
            "detail": "Every export slot is busy building another export. "
            f"Please retry in {RETRY_AFTER_SECONDS} seconds."
        },
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def cached_export(
    fmt: Format, events: QuerySet, *, request: HttpRequest, filters: TimelineFilter
) -> HttpResponseBase:
    """The export from the export cache; else built (holding a slot) into it, then served.
    Either way it is streamed from the file: memory stays flat. The language is the request's
    (`lang`, activated for the API by timeline.locale)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    path = export_path(fmt, request=request, filters=filters, language=language)
    source = "hit"
    try:
        body = path.open("rb")
    except FileNotFoundError:
        source = "miss"
        hold = acquire_slot(
            "export", slots=settings.EXPORT_SLOTS, hold_seconds=settings.EXPORT_HOLD_SECONDS
        )
        if hold is None:
            return busy()
        try:
            if not path.exists():  # another process may have written it meanwhile
                write_export(
                    fmt, events, request=request, filters=filters, language=language, path=path
                )
        finally:
            release_slot(hold)
        body = path.open("rb")
    response = FileResponse(body, content_type=fmt.content_type)
    if fmt.filename:
        response["Content-Disposition"] = f'attachment; filename="{fmt.filename}"'
    response["X-Export-Cache"] = source
    return response
