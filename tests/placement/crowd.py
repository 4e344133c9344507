"""Many workers and placements at once, built through the services: for list pages
(filters, pagination, pinned query counts)."""

from __future__ import annotations

from tests.placement import journey


def workers(actor, agency, count: int, *, start: int = 100, name: str = "Pekerja", **fields) -> list:
    """`count` candidates of Tanjung Luar with distinct NIKs (serials from `start`)."""
    return [
        journey.register_worker(actor=actor, agency=agency, serial=start + n, full_name=f"{name} {n:02d}", **fields)
        for n in range(count)
    ]


def placements(actor, agency, job_order, count: int, *, start: int = 100, name: str = "Pekerja") -> list:
    """`count` registered placements (stage 1) on `job_order`, one per new worker."""
    return [
        journey.place(actor, journey.select(actor, worker, job_order)).placement
        for worker in workers(actor, agency, count, start=start, name=name)
    ]
