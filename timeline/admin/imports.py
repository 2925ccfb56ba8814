"""Getting events in and out in bulk: draft events from an article, CSV import with a dry run,
CSV export in the curated columns. Function views over services/article_import and csv_import."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from timeline import bulk
from timeline.admin.forms import ArticleForm, CsvImportForm, candidate_choices
from timeline.admin.widgets import when_summary
from timeline.ingest import propose_events
from timeline.models import Event, EventKind
from timeline.services import csv_import
from timeline.services.article_import import create_drafts_from_article


def import_article(request: HttpRequest, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ArticleForm(request.POST or None)
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidates = propose_events(
            data["text"], published_on=data["published_on"], language=data["language"] or None
        )
        if "create" in request.POST:
            created = create_drafts_from_article(
                article=form.article(),
                candidates=candidates,
                selected=candidate_choices(request.POST, candidates=candidates),
                user=request.user,
            )
            model_admin.message_user(
                request,
                ngettext(
                    "Created %(count)d draft event.",
                    "Created %(count)d draft events.",
                    len(created),
                )
                % {"count": len(created)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:timeline_event_changelist") + "?publication__exact=draft"
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import from an article"),
        "form": form,
        "candidates": [
            {"index": i, "candidate": c, "summary": when_summary(c.span)}
            for i, c in enumerate(candidates)
        ],
        "kinds": EventKind.choices,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/timeline/event/import_article.html", context)


def import_csv(request: HttpRequest, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = CsvImportForm(request.POST or None, request.FILES or None)
    report, staged, upload_error = None, None, None
    if request.method == "POST":
        content, name, upload_error = csv_content(request, form)
        if content is not None and "apply" in request.POST:
            report = csv_import.apply_import(content, user=request.user)
            if report.ok:
                csv_import.discard_staged(user=request.user)
                model_admin.message_user(request, import_message(report), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:timeline_event_changelist"))
        elif content is not None:
            report = csv_import.plan_import(content)
            if report.ok:
                staged = csv_import.stage_import(user=request.user, name=name, content=content)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import events from a spreadsheet (CSV)"),
        "form": form,
        "report": report,
        "staged": staged,
        "upload_error": upload_error,
        "columns": csv_import.COLUMNS,
        "max_rows": csv_import.max_rows(),
        "max_size": csv_import.file_size(csv_import.max_bytes()),
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/timeline/event/import_csv.html", context)


def csv_content(request: HttpRequest, form: CsvImportForm) -> tuple[str | None, str, str | None]:
    """The CSV text from the upload, or from the file kept at the dry run: (text, file name,
    a problem to show)."""
    staged_id = request.POST.get("staged", "")
    if staged_id:
        staged = csv_import.staged_file(user=request.user, staged_id=staged_id)
        if staged is None:
            return None, "", _("That checked file is no longer kept: choose the file again.")
        return staged.content, staged.file_name, None
    if not form.is_valid():
        return None, "", None
    upload = form.cleaned_data["file"]
    if upload.size > csv_import.max_bytes():
        return None, upload.name, csv_import.too_large(upload.size)
    content, problem = csv_import.decode_upload(upload.read())
    return content, upload.name, problem


def export_csv(request: HttpRequest, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    response = HttpResponse(
        bulk.export_events_csv(Event.objects.all()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="events-admin.csv"'
    return response


def import_message(report: csv_import.ImportReport) -> str:
    parts = []
    if report.created:
        parts.append(_("created %(count)s draft event(s)") % {"count": report.created})
    if report.updated:
        parts.append(_("updated %(count)s event(s)") % {"count": report.updated})
    if report.proposed:
        parts.append(
            _("sent %(count)s change(s) to published events for review")
            % {"count": report.proposed}
        )
    if report.sources_proposed:
        parts.append(
            _("sent %(count)s change(s) to sources that published events cite for review")
            % {"count": report.sources_proposed}
        )
    if not parts:
        return _("Nothing to change.")
    return _("Imported: %(parts)s.") % {"parts": "; ".join(parts)}
