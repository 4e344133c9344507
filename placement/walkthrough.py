"""Walk a placement through its stages with the services, supplying what each stage needs.

Used by the demo data (seed_demo) and by the tests, so both build placements
exactly the way the portal would record them.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from recruitment import services as recruitment_services
from recruitment.choices import TrainingKind, TrainingResult
from recruitment.models import TrainingProvider

from . import services
from .choices import DocumentKind, Stage
from .models import EmbarkationPoint, Placement

DOCUMENT_LIFETIME = timedelta(days=5 * 365)
# The smallest PDF a scanner could produce: enough for the upload check and the document's page.
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def scan(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SCAN, content_type="application/pdf")


class Walkthrough:
    """Supplies documents and facts for each stage, dated around `documents_issued_on`."""

    def __init__(self, actor, *, documents_issued_on: date | None = None, departure_on: date | None = None):
        today = timezone.localdate()
        self.actor = actor
        self.issued_on = documents_issued_on or today - timedelta(days=200)
        self.departure_on = departure_on or today + timedelta(days=30)

    def document(self, placement: Placement, kind: str, *, number: str | None = None, issuer: str = "", file=None):
        """A document with its scan (a requirement counts a document only once its file is there)."""
        return services.document_add(
            actor=self.actor,
            placement_id=placement.pk,
            kind=kind,
            number=number or f"{kind[:3].upper()}-{placement.pk:06d}",
            issued_on=self.issued_on,
            expires_on=self.issued_on + DOCUMENT_LIFETIME,
            issuer=issuer or "Penerbit resmi",
            file=file or scan(f"{kind}-{placement.pk}.pdf"),
        )

    def provide(self, placement: Placement, stage: int) -> None:
        """Record what entering `stage` requires."""
        if stage == Stage.MEDICAL:
            self.document(placement, DocumentKind.HEALTH_CERTIFICATE, issuer="Sarana kesehatan PMI")
        elif stage == Stage.TRAINING:
            provider = TrainingProvider.objects.filter(regency_id=placement.worker.village_id[:5]).first()
            provider = provider or TrainingProvider.objects.order_by("pk").first()
            if provider is None:
                provider = TrainingProvider.objects.create(
                    name="BLK Lombok Timur", kind="blk", regency_id="52.03", accreditation_number="BLK-5203"
                )
            recruitment_services.enrolment_record(
                actor=self.actor, worker=placement.worker, provider=provider,
                programme=f"Pelatihan {placement.job_order.occupation.name}", kind=TrainingKind.SKILL, hours=200,
                starts_on=self.issued_on - timedelta(days=60), completed_on=self.issued_on,
                result=TrainingResult.PASSED, certificate_number=f"KOMP-{placement.pk:06d}",
            )  # fmt: skip
            self.document(placement, DocumentKind.COMPETENCY_CERTIFICATE, issuer="BNSP")
            if placement.job_order.country.requires_language_test:
                self.document(placement, DocumentKind.LANGUAGE_CERTIFICATE, issuer="Lembaga uji bahasa")
        elif stage == Stage.AGREEMENT:
            services.placement_record_agreement(
                actor=self.actor, placement_id=placement.pk, signed_on=self.issued_on, worker_costs=Decimal(0)
            )
            self.document(placement, DocumentKind.PLACEMENT_AGREEMENT, issuer=placement.agency.name)
        elif stage == Stage.DOCUMENTS:
            self.document(placement, DocumentKind.PASSPORT, number=f"C{placement.pk:07d}", issuer="Kantor Imigrasi")
            self.document(placement, DocumentKind.WORK_VISA, issuer=f"Kedutaan {placement.job_order.country.name}")
            self.document(placement, DocumentKind.BPJS, issuer="BPJS Ketenagakerjaan")
        elif stage == Stage.CONTRACT:
            services.placement_record_contract(
                actor=self.actor, placement_id=placement.pk, signed_on=self.issued_on, salary=placement.job_order.salary
            )
            self.document(placement, DocumentKind.EMPLOYMENT_CONTRACT, issuer=placement.job_order.employer.name)
        elif stage == Stage.ORIENTATION:
            self.document(placement, DocumentKind.OPP_CERTIFICATE, issuer="BP3MI")
        elif stage == Stage.READY:
            services.placement_plan_departure(actor=self.actor, placement_id=placement.pk, planned_on=self.departure_on)
            self.document(placement, DocumentKind.EPMI, issuer="KP2MI")

    def walk_to(self, placement: Placement, stage: int) -> Placement:
        """Advance one stage at a time up to `stage` (at most READY)."""
        for next_stage in range(placement.stage + 1, min(stage, Stage.READY) + 1):
            self.provide(placement, next_stage)
            placement = services.placement_advance(actor=self.actor, placement_id=placement.pk, to_stage=next_stage)
        return placement

    def depart(self, placement: Placement, *, point: str = "LOP", flight: str = "QZ 512") -> Placement:
        return services.placement_depart(
            actor=self.actor,
            placement_id=placement.pk,
            departed_on=self.departure_on,
            embarkation_point=EmbarkationPoint.objects.get(code=point),
            flight=flight,
        )
