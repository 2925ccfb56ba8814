"""The API's answers when a request cannot be served: the documented shapes and the handlers."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from pydantic import BaseModel

from timeline.dbguard import is_query_timeout, query_timeout_detail

# Query models nest the filters and paging; a client knows only the parameters' own names.
NESTING = ("query", "filters", "paging")
# Python cannot name a field `from`: the filter's fields are date_from/date_to.
PARAMETER_NAMES = {"date_from": "from", "date_to": "to"}
TIMEOUT_RETRY_SECONDS = 30


class FieldError(BaseModel):
    field: str
    message: str


class ValidationErrorOut(BaseModel):
    detail: str
    errors: list[FieldError]


class NotFound(BaseModel):
    detail: str


def error_422(field: str, message: str) -> HttpError:
    return ValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Each problem as the query parameter a client sent and a sentence about it."""
    details = []
    for item in error.errors:
        loc = [str(part) for part in item.get("loc", []) if part not in NESTING]
        field = PARAMETER_NAMES.get(loc[0], loc[0]) if loc else "query"
        message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        details.append({"field": field, "message": message})
    return details


def install_error_handlers(api: NinjaAPI) -> None:
    def validation_failed(request: HttpRequest, error: ValidationError) -> HttpResponse:
        details = field_errors(error)
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        return api.create_response(
            request, {"detail": summary or "Invalid request.", "errors": details}, status=422
        )

    def database_failed(request: HttpRequest, error: OperationalError) -> HttpResponse:
        """A query stopped by the time budget is the request's fault: 503 naming what to
        narrow. Anything else (the database unreachable) goes on to the site-wide 503."""
        if not is_query_timeout(error):
            raise error
        response = api.create_response(request, {"detail": query_timeout_detail()}, status=503)
        response["Retry-After"] = str(TIMEOUT_RETRY_SECONDS)
        return response

    api.add_exception_handler(ValidationError, validation_failed)
    api.add_exception_handler(OperationalError, database_failed)
