"""Admin building blocks that keep the Django admin on the house rule "every write goes through
a service": fields the services own are shown read-only, rows the services create cannot be
added or deleted here, and what an administrator may legitimately change is a small form or an
action that calls a service (a refusal shows on the form, as on every page)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .errors import DomainError
from .forms import form_add_refusal


class ServiceOwnedAdmin(admin.ModelAdmin):
    """Every model field is read-only except those named in ``editable_fields`` (so a field added
    later is read-only until someone decides otherwise); the primary key is read-only once saved.
    With no editable field the admin is view-only. Rows are neither added (``creatable``) nor
    deleted (``deletable``) here unless the admin says so."""

    editable_fields: tuple[str, ...] = ()
    creatable = False
    deletable = False

    def get_readonly_fields(self, request, obj=None):
        declared = list(super().get_readonly_fields(request, obj))
        hidden = set(self.exclude or ())
        opts = self.model._meta
        for field in [*opts.concrete_fields, *opts.many_to_many]:
            if field.auto_created or field.name in hidden or field.name in declared:
                continue
            if field.name not in self.editable_fields or (obj is not None and field.primary_key):
                declared.append(field.name)
        return declared

    def has_add_permission(self, request, *args):
        return self.creatable and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return bool(self.editable_fields) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


def service_form_view(
    model_admin: admin.ModelAdmin,
    request,
    *,
    form_class,
    title: str,
    perform: Callable[[dict], object],
    success_message: str,
    obj=None,
    initial: dict | None = None,
):
    """A small admin page: a form whose valid input is handed to ``perform`` (a service call with
    ``actor=request.user``); a DomainError goes back onto the form, success back to the object."""
    if not model_admin.has_view_permission(request, obj):
        raise PermissionDenied
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except DomainError as error:
            form_add_refusal(form, error)
        else:
            model_admin.message_user(request, success_message, messages.SUCCESS)
            opts = model_admin.model._meta
            target = result if result is not None else obj
            url = f"admin:{opts.app_label}_{opts.model_name}_" + ("change" if target is not None else "changelist")
            return HttpResponseRedirect(reverse(url, args=[target.pk] if target is not None else []))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "opts": model_admin.model._meta,
        "original": obj,
    }
    return TemplateResponse(request, "admin/service_form.html", context)
