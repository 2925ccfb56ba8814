"""The base of every admin whose live records are protected by review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import label_for_field
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from timeline.selectors.editorial import pending_revisions
from timeline.services import editorial

# Kept in the admin log in English; the log translates it for each reader (LogEntry).
PROPOSED_FOR_REVIEW = gettext_noop("proposed a change for review")


class ChoiceLabelsContextHelper(HistoricalRecordContextHelper):
    """The history page's changes with each choice shown by its label ("Missile test", not
    "missile_test"), in the reader's language; field names are the fields' verbose names."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(value, DeletedObject) and value.pk is None:
            return ""  # an empty foreign key, not a deleted record
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class ReviewedChangeAdmin(SimpleHistoryAdmin):
    """Saves of live records by people who may not publish become proposed revisions.

    The admin saves the form and its inlines as usual, inside a savepoint; the resulting state
    is kept as the proposal and the savepoint rolled back, so the live rows (and their history,
    the caches, the public pages) never see the change.
    """

    object_history_list_template = "admin/timeline/object_history_list.html"

    def save_model(self, request, obj, form, change) -> None:
        if change and editorial.change_needs_review(user=request.user, obj=obj):
            request.proposal_savepoint = transaction.savepoint_create()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        self.keep_as_proposal(request, form.instance)

    def keep_as_proposal(self, request, obj) -> None:
        """Turn the saved state into a proposal and roll the live rows back."""
        savepoint = getattr(request, "proposal_savepoint", None)
        if savepoint is None:
            return
        payload = editorial.snapshot(obj=type(obj).objects.get(pk=obj.pk))
        transaction.savepoint_rollback(savepoint)
        request.proposal_savepoint = None
        live = type(obj).objects.get(pk=obj.pk)
        if payload == editorial.snapshot(obj=live):
            request.proposal = None
        else:
            request.proposal = editorial.propose_revision(
                obj=live, payload=payload, user=request.user
            )

    # -- the history page ----------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        columns = [
            (name, label_for_field(name, self.model, model_admin=self))
            for name in self.get_history_list_display(request)
        ]
        extra_context = {**(extra_context or {}), "history_columns": columns}
        return super().history_view(request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ChoiceLabelsContextHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version is a change like any other: one transaction, so that
        # a revert of a live record becomes a proposal too.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "proposal", False):
            return [{"changed": {"fields": [PROPOSED_FOR_REVIEW]}}]
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        self.keep_as_proposal(request, obj)  # the history form saves no inlines
        if not hasattr(request, "proposal"):
            return super().response_change(request, obj)
        opts = obj._meta
        if request.proposal is None:
            self.message_user(request, _("Nothing changed."), messages.INFO)
        else:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>.',
                    _(
                        "Your change to “%(record)s” was sent for review. The published version "
                        "stays on the site until a reviewer approves it."
                    )
                    % {"record": obj},
                    reverse("admin:timeline_proposedrevision_review", args=[request.proposal.pk]),
                    _("See the proposal"),
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                self.warn_of_pending_proposals(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def warn_of_pending_proposals(self, request, obj) -> None:
        for revision in pending_revisions(obj=obj):
            mine = revision.submitted_by_id == request.user.pk
            who = _("You") if mine else (revision.submitted_by or _("Someone"))
            when = date_format(revision.submitted_at, "DATETIME_FORMAT", use_l10n=True)
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>.{}',
                    _("%(who)s proposed a change on %(when)s UTC that awaits review:")
                    % {"who": who, "when": when},
                    reverse("admin:timeline_proposedrevision_review", args=[revision.pk]),
                    _("see the proposal"),
                    " "
                    + _(
                        "This form shows the published version; saving it again replaces "
                        "your proposal."
                    )
                    if mine
                    else "",
                ),
                messages.WARNING,
            )
        if not editorial.can_publish(request.user) and editorial.is_live(obj=obj):
            self.message_user(
                request,
                _(
                    "This record is live: your changes will be sent to a reviewer and appear on "
                    "the site once approved."
                ),
                messages.INFO,
            )
