"""Check a company or a job order before you go (issue 15): no login; nothing personal."""

from django.http import Http404


def _todo(request, pk=None):
    raise Http404


company_search = company_check = job_order_search = job_order_check = job_order_print = _todo
