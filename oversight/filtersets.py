"""One FilterSet per model: the portal's lists and the exports share them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtering import AreaCodeFilter, date_range

from .choices import FlagStatus, Severity, SubjectType
from .models import Flag
from .rules import RULES_BY_CODE
from .selectors import SEVERITY_RANK


def rule_choices():
    # RULES_BY_CODE: one entry per code, though a rule may run over two subjects.
    return [(code, rule.title) for code, rule in RULES_BY_CODE.items()]


class FlagFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=FlagStatus.choices, label=_("Status"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("Severity"))
    rule = django_filters.ChoiceFilter(field_name="rule_code", choices=rule_choices, label=_("Rule"))
    subject_type = django_filters.ChoiceFilter(choices=SubjectType.choices, label=_("Subject type"))
    area = AreaCodeFilter(field_name="area_code", label=_("Area"))
    assigned = django_filters.ChoiceFilter(
        method="filter_assigned",
        choices=[("me", _("Assigned to me")), ("nobody", _("Not assigned"))],
        label=_("Assignment"),
    )
    first_seen_from, first_seen_until = date_range("first_seen__date", _("First seen from"), _("First seen until"))

    ordering_fields = ("id", "first_seen", "last_seen", "severity")
    # Severity sorts by rank (high above medium above low), not alphabetically.
    ordering_expressions = {"severity": SEVERITY_RANK}

    class Meta:
        model = Flag
        fields = ["status", "severity", "subject_type"]

    def filter_assigned(self, queryset, name, value):
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(assigned_to=user) if user and user.is_authenticated else queryset.none()
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset
