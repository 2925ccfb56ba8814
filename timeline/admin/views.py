"""The desk's own pages beside the ModelAdmins: the When preview, deleted events, the review
of a proposed change. Each is a function view taking the ModelAdmin it belongs to."""

from __future__ import annotations

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from timeline import bulk
from timeline.admin.forms import SendBackForm
from timeline.admin.widgets import when_summary
from timeline.curated import parse_iso_date
from timeline.dates import parse_span
from timeline.models import ProposedRevision, RevisionState
from timeline.services import editorial

WHEN_MAX_CHARS = 200
HISTORY_ID_MAX_DIGITS = 18


def when_preview(request: HttpRequest, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    """How the When box's text will be read (an htmx fragment under the box)."""
    text = request.GET.get("when", "").strip()[:WHEN_MAX_CHARS]
    if not text:
        return HttpResponse("")
    base = parse_iso_date(request.GET.get("when_base", "").strip()) or date.today()
    span = parse_span(text, base=base)
    if span is None:
        return HttpResponse(
            format_html(
                '<span class="errornote">{}</span>',
                _(
                    "Not readable as a date: “%(text)s”. Try e.g. “12 June 2018”, “June 2018”, "
                    "“27–28 February 2019”."
                )
                % {"text": text},
            )
        )
    return HttpResponse(
        format_html(
            '<span class="when-ok" data-start="{}" data-end="{}" data-precision="{}" '
            'data-approximate="{}">{}</span>',
            span.start.isoformat(),
            span.end.isoformat(),
            span.precision.value,
            "true" if span.approximate else "false",
            _("Will be stored as %(reading)s") % {"reading": when_summary(span)},
        )
    )


def deleted_events(request: HttpRequest, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    """Events deleted from the record, each restorable as a draft."""
    if request.method == "POST":
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        history_id = request.POST.get("history_id", "")
        if (
            not (history_id.isascii() and history_id.isdigit())
            or len(history_id) > HISTORY_ID_MAX_DIGITS
        ):
            return HttpResponseBadRequest(_("history_id must be the number of a deleted event."))
        try:
            restored = bulk.restore_deleted_event(int(history_id), user=request.user)
        except bulk.RestoreError as error:
            return HttpResponseNotFound(str(error))
        model_admin.message_user(
            request,
            _("Restored “%(title)s” as a draft; submit it for review to publish it again.")
            % {"title": restored.title},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:timeline_event_change", args=[restored.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Deleted events"),
        "records": bulk.deleted_event_records(),
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/timeline/event/deleted.html", context)


def review_revision(
    request: HttpRequest, revision_id: int, *, model_admin: admin.ModelAdmin
) -> HttpResponse:
    """A proposed change as a diff against the live record; reviewers approve or send back."""
    revision = ProposedRevision.objects.filter(pk=revision_id).first()
    if revision is None or not model_admin.has_view_permission(request):
        raise Http404(_("No such proposal."))
    may_review = editorial.can_publish(request.user)
    form = SendBackForm(request.POST or None)
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        try:
            if "approve" in request.POST:
                obj = editorial.approve_revision(revision=revision, user=request.user)
                model_admin.message_user(
                    request,
                    _("Approved: “%(record)s” is updated on the site.") % {"record": obj},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:timeline_proposedrevision_changelist"))
            if "send_back" in request.POST and form.is_valid():
                editorial.send_back_revision(
                    revision=revision, user=request.user, comment=form.cleaned_data["comment"]
                )
                model_admin.message_user(
                    request,
                    _("Sent back to %(editor)s; the live version is unchanged.")
                    % {"editor": revision.submitted_by or _("its author")},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:timeline_proposedrevision_changelist"))
        except editorial.RevisionError as error:
            model_admin.message_user(request, str(error), messages.ERROR)
            revision.refresh_from_db()
    try:
        changes, parts = editorial.revision_diff(revision=revision)
        target_url = reverse(
            f"admin:timeline_{revision.content_type.model}_change", args=[revision.object_id]
        )
    except editorial.RevisionError as error:
        changes, parts, target_url = [], [], None
        model_admin.message_user(request, str(error), messages.WARNING)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Review: %(label)s") % {"label": revision.label},
        "revision": revision,
        "changes": changes,
        "parts": parts,
        "target_url": target_url,
        "form": form,
        "may_review": may_review and revision.state == RevisionState.PENDING,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "admin/timeline/proposedrevision/review.html", context)
