from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def sort_th(listing, field_name, label):
    """A sortable column header; ``aria-sort`` tells screen readers the current order."""
    url, direction = listing.sort_link(field_name)
    if direction is None:
        return format_html('<th scope="col"><a href="{}">{}</a></th>', url, label)
    aria = "ascending" if direction == "asc" else "descending"
    arrow = "▲" if direction == "asc" else "▼"
    hint = _("sorted ascending") if direction == "asc" else _("sorted descending")
    return format_html(
        '<th scope="col" aria-sort="{}"><a href="{}">{} <span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">({})</span></a></th>',
        aria,
        url,
        label,
        arrow,
        hint,
    )


@register.simple_tag
def page_url(listing, number):
    """The URL of page ``number`` with the current filters kept."""
    prefix = listing.querystring + "&" if listing.querystring else ""
    return f"?{prefix}page={number}"
