"""One FilterSet per model: the complaint officers' queue, the API and the exports share it."""

import django_filters
from django.db.models import Case, DateTimeField, F, Q, When
from django.utils.translation import gettext_lazy as _

from core import clock
from core.filtering import AreaCodeFilter, UpdatedSinceFilter, date_range

from .choices import OPEN_STATUSES, Category, Channel, Level, Priority, Status
from .models import Complaint

# The deadline a complaint is working against now: acknowledging while received, resolving while
# verified or in progress, none once resolved, closed or rejected (those sort last).
NEXT_DUE = Case(
    When(status=Status.RECEIVED, then=F("acknowledge_due_at")),
    When(status__in=[Status.VERIFIED, Status.IN_PROGRESS], then=F("resolve_due_at")),
    default=None,
    output_field=DateTimeField(),
)


def overdue_condition(now) -> Q:
    """Open complaints past the deadline they work against (the queue's red rows)."""
    return Q(status=Status.RECEIVED, acknowledge_due_at__lte=now) | Q(
        status__in=[Status.VERIFIED, Status.IN_PROGRESS], resolve_due_at__lte=now
    )


class ComplaintFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter(method="filter_code", label=_("Tracking code"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Resolved, closed or rejected"))],
        label=_("Progress"),
    )
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, label=_("Priority"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Handled at"))
    area = AreaCodeFilter(field_name="area_code", label=_("Area"))
    assigned = django_filters.ChoiceFilter(
        method="filter_assigned",
        choices=[("me", _("Assigned to me")), ("nobody", _("Not assigned"))],
        label=_("Assignment"),
    )
    filed_from, filed_until = date_range("filed_at__date", _("Filed from"), _("Filed until"))
    updated_since = UpdatedSinceFilter()

    ordering_fields = ("id", "filed_at", "next_due")
    # The deadline at work now is an expression (a list page sorts by it; an export annotates it).
    ordering_expressions = {"next_due": NEXT_DUE}
    api_only = ("updated_since",)

    class Meta:
        model = Complaint
        fields = ["status", "priority", "category", "channel", "level"]

    def filter_code(self, queryset, name, value):
        """A tracking code as read over the phone: any case, with or without the dashes."""
        value = (value or "").strip().upper().replace(" ", "")
        if not value:
            return queryset
        compact = value.replace("-", "")
        if len(compact) == 11 and compact.startswith("ADU"):
            value = f"ADU-{compact[3:7]}-{compact[7:]}"
        return queryset.filter(tracking_code__icontains=value)

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == "overdue":
            return queryset.filter(overdue_condition(clock.now()))
        if value == "done":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset

    def filter_assigned(self, queryset, name, value):
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(assigned_to=user) if user and user.is_authenticated else queryset.none()
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset
