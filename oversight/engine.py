"""Running the rules: whole-table scans and re-checks of a few subjects.

Each rule runs as one statement, in a full scan in its own transaction: its hits
are computed, their flags upserted (one unresolved flag per rule and subject,
enforced by a unique index) and flags whose condition no longer holds are
resolved. A rerun computes the same hits, so a scan killed half-way and run again
ends with the same flags and no duplicates. A full scan first computes every
placement's facts once (oversight/facts.py), which the placement rules read. A
re-check runs all its rules as one statement, on the facts of its placements alone.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import User
from core.locks import advisory_lock
from placement.choices import DOCUMENT_PARAMETERS, STAGE_PARAMETERS

from .choices import OPEN_FLAG_STATUSES, ScanStatus, Severity, SubjectType
from .facts import DOCUMENT_KINDS, placement_facts_of, placement_facts_rebuild
from .models import RuleSetting, ScanRun
from .rules import RULES, Rule

logger = logging.getLogger(__name__)

FULL_SCAN_LOCK = 72_616_001  # pg advisory lock key: one full scan at a time, across workers
# The full scan task's time limits (oversight/tasks.py); the sweeper calls a scan still
# "running" past the hard one (plus a margin) lost.
SCAN_SOFT_TIME_LIMIT = 1800
SCAN_TIME_LIMIT = 2000
# How long a scan waits for the lock before deciding another scan is at work: long enough for
# the database session of a worker killed a moment ago to end and let its redelivery in.
SCAN_LOCK_WAIT = 15


class ScanAlreadyRunning(Exception):
    pass


def rule_parameters(rule: Rule, settings_by_code: dict[str, RuleSetting]) -> dict:
    setting = settings_by_code.get(rule.code)
    return {**rule.defaults, **(setting.thresholds if setting else {})}


def enabled_rules() -> tuple[list[Rule], dict[str, RuleSetting]]:
    settings_by_code = {s.code: s for s in RuleSetting.objects.all()}
    rules = [rule for rule in RULES if rule.code not in settings_by_code or settings_by_code[rule.code].enabled]
    return rules, settings_by_code


# Rules applied in one statement: their hits, tagged with the rule; the upsert of their flags; the
# resolution of the flags whose subject is no longer hit; the history rows of both. Data-modifying
# CTEs share one snapshot and touch disjoint flags. A full scan applies each rule alone (its own
# transaction, several at once); a re-check, which follows every write, applies all of its rules
# together: as a statement each, a re-check of a placement was two dozen round trips, each planning
# the flags' bookkeeping again, more than the rules' own work on a few rows (issue 17). A rule's
# thresholds and ids become parameters of its own (``rule_<n>_<name>``), since rules share names
# (``window_days``) with different values.
APPLY_RULES = """
WITH {hits_of_each_rule},
hits AS ({all_hits}),
upserted AS (
    INSERT INTO oversight_flag (rule_code, subject_type, subject_id, severity, status, area_code, evidence,
                                first_seen, last_seen, decision_reason)
    SELECT rule_code, subject_type, subject_id, severity, 'open', area_code, evidence, %(now)s, %(now)s, ''
    FROM hits
    ON CONFLICT (rule_code, subject_type, subject_id) WHERE NOT (status = 'resolved')
    DO UPDATE SET last_seen = EXCLUDED.last_seen, evidence = EXCLUDED.evidence, area_code = EXCLUDED.area_code
    RETURNING id, rule_code, subject_type, (xmax = 0) AS inserted
), opened AS (
    INSERT INTO oversight_flagevent (flag_id, at, from_status, to_status, note)
    SELECT id, %(now)s, '', 'open', '' FROM upserted WHERE inserted
), gone AS ({gone_of_each_rule}),
resolved AS (
    UPDATE oversight_flag f SET status = 'resolved', resolved_at = %(now)s FROM gone WHERE f.id = gone.id
    RETURNING f.id, f.rule_code, f.subject_type, gone.status AS from_status
), logged AS (
    INSERT INTO oversight_flagevent (flag_id, at, from_status, to_status, note)
    SELECT id, %(now)s, from_status, 'resolved', 'condition no longer holds' FROM resolved
)
SELECT rule_code, subject_type, COALESCE(array_agg(id) FILTER (WHERE inserted), '{{}}'),
       count(*) FILTER (WHERE NOT inserted), 0
FROM upserted GROUP BY rule_code, subject_type
UNION ALL
SELECT rule_code, subject_type, '{{}}', 0, count(*) FROM resolved GROUP BY rule_code, subject_type
"""

RULE_HITS = """hits_{n} AS ({hits})"""
TAGGED_HITS = """
    SELECT %(rule_{n}_code)s::text AS rule_code, %(rule_{n}_subject)s::text AS subject_type,
           %(rule_{n}_severity)s::text AS severity, subject_id::bigint, area_code::text, evidence::jsonb
    FROM hits_{n}"""
RULE_GONE = """
    SELECT f.id, f.status FROM oversight_flag f
    WHERE f.rule_code = %(rule_{n}_code)s AND f.subject_type = %(rule_{n}_subject)s
      AND f.status = ANY(%(open_flag_statuses)s)
      {only_ids}
      AND NOT EXISTS (SELECT 1 FROM hits_{n} h WHERE h.subject_id = f.subject_id)"""

PARAMETER = re.compile(r"%\((\w+)\)s")

# A rule to apply, its parameters, and its subjects' ids (None: every subject, a full scan).
RuleRun = tuple[Rule, dict, list[int] | None]


def _naming_its_own(sql: str, n: int, own: dict) -> str:
    """The rule's SQL with its own parameters renamed ``rule_<n>_<name>``."""
    return PARAMETER.sub(lambda found: f"%(rule_{n}_{found[1]})s" if found[1] in own else found[0], sql)


def _rules_statement(runs: list[RuleRun]) -> tuple[str, dict]:
    """The statement applying each run, and its values."""
    hits, tagged, gone, values = [], [], [], shared_parameters()
    for n, (rule, parameters, ids) in enumerate(runs):
        own = {**parameters, "ids": ids}
        hits.append(RULE_HITS.format(n=n, hits=_naming_its_own(rule.query(ids=ids), n, own)))
        tagged.append(TAGGED_HITS.format(n=n))
        only_ids = rule.resolvable(ids=ids) if ids is not None else ""
        gone.append(RULE_GONE.format(n=n, only_ids=_naming_its_own(only_ids, n, own)))
        values.update({f"rule_{n}_{key}": value for key, value in own.items()})
        values.update({f"rule_{n}_code": rule.code, f"rule_{n}_subject": rule.subject,
                       f"rule_{n}_severity": rule.severity})  # fmt: skip
    statement = APPLY_RULES.format(
        hits_of_each_rule=",\n".join(hits),
        all_hits="\n    UNION ALL".join(tagged),
        gone_of_each_rule="\n    UNION ALL".join(gone),
    )
    return statement, values


def shared_parameters() -> dict:
    """What every rule may name: stage numbers and document kinds come from placement.choices,
    never from literals in a rule."""
    return {
        **STAGE_PARAMETERS,
        **DOCUMENT_PARAMETERS,
        "document_kinds": DOCUMENT_KINDS,
        "open_flag_statuses": [status.value for status in OPEN_FLAG_STATUSES],
    }


def run_rule(rule: Rule, *, parameters: dict, ids: list[int] | None = None) -> dict:
    """Apply one rule to every subject (ids=None: a placement rule reads the facts table a full
    scan made) or, as a re-check does, to the given subjects alone; return its counts."""
    started = time.perf_counter()
    placements = ids if ids is not None and rule.reads_facts else []
    counts = apply_rules([(rule, parameters, ids)], placements=placements)[rule.code]
    return {"seconds": round(time.perf_counter() - started, 4), **counts}


def _merged(earlier: dict | None, counts: dict) -> dict:
    """The counts of a rule's runs over its subjects as one (COMPLAINT_HOTSPOT runs per company and per employer)."""
    if not earlier:
        return counts
    return {key: round(value + earlier.get(key, 0), 4) for key, value in counts.items()}


def full_scan(*, requested_by=None, task_id: str = "") -> ScanRun:
    """Run every enabled rule over whole tables; one at a time (advisory lock).

    ``task_id`` is the Celery task's id. A redelivery of the same task after its worker
    died restarts that task's scan run (every rule again: the rules are idempotent, so it
    ends with the flags of an uninterrupted scan); a delivery of a task whose scan
    completed returns that scan untouched.
    """
    with advisory_lock(FULL_SCAN_LOCK, wait=SCAN_LOCK_WAIT) as ours:
        if not ours:
            raise ScanAlreadyRunning
        return _scan(requested_by=requested_by, task_id=task_id)


def _scan(*, requested_by, task_id: str) -> ScanRun:
    own = ScanRun.objects.filter(task_id=task_id).first() if task_id else None
    if own is not None and own.status == ScanStatus.COMPLETED:
        return own
    # Holding the lock, any other scan still marked running was killed: say so.
    ScanRun.objects.filter(status=ScanStatus.RUNNING).exclude(pk=own.pk if own else None).update(
        status=ScanStatus.FAILED, error="interrupted", finished_at=timezone.now()
    )
    if own is not None:
        own.status, own.results, own.error, own.finished_at = ScanStatus.RUNNING, {}, "", None
        own.save(update_fields=["status", "results", "error", "finished_at"])
        scan = own
    else:
        scan = ScanRun.objects.create(started_at=timezone.now(), requested_by=requested_by, task_id=task_id)
    rules, settings_by_code = enabled_rules()
    try:
        for rule, counts in _each_rule_run(rules, settings_by_code):
            # A rule over two subjects (COMPLAINT_HOTSPOT) reports its two runs as one.
            scan.results[rule.code] = _merged(scan.results.get(rule.code), counts)
            scan.save(update_fields=["results"])
    except Exception as error:
        scan.status, scan.error, scan.finished_at = ScanStatus.FAILED, repr(error), timezone.now()
        scan.save(update_fields=["status", "error", "finished_at"])
        raise
    scan.status, scan.finished_at = ScanStatus.COMPLETED, timezone.now()
    scan.save(update_fields=["status", "finished_at"])
    return scan


def _each_rule_run(rules: list[Rule], settings_by_code: dict[str, RuleSetting]):
    """Run each rule over whole tables, yielding (rule, counts) as each ends; every placement's
    facts first if a rule reads them (a rerun of a killed scan builds them again, from the tables
    as they are then).

    Each rule is one statement in its own transaction, none reading what another writes (each its
    own flags), so OVERSIGHT_SCAN_CONNECTIONS of them run at once, each on a database connection
    of its own: most rules and most of the facts' build use one core, and the database server has
    more. The rules that read no facts run while the facts are built, the others once they are.
    Inside a transaction (a test's) the other connections could not see its rows: one at a time.
    """
    jobs = [(rule, rule_parameters(rule, settings_by_code)) for rule in rules]
    reading_facts = [(rule, parameters) for rule, parameters in jobs if rule.reads_facts]
    at_once = settings.OVERSIGHT_SCAN_CONNECTIONS
    if at_once <= 1 or connection.in_atomic_block:
        if reading_facts:
            _build_the_facts()
        for rule, parameters in jobs:
            yield rule, run_rule(rule, parameters=parameters)
        return
    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="red-flag-rule") as pool:
        # The facts' build (None) first, then the rules that do not wait for it.
        running = {pool.submit(_on_a_connection_of_its_own, _build_the_facts): None} if reading_facts else {}
        for rule, parameters in jobs:
            if not rule.reads_facts:
                running[pool.submit(_on_a_connection_of_its_own, run_rule, rule, parameters=parameters)] = rule
        try:
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    rule, result = running.pop(future), future.result()
                    if rule is not None:
                        yield rule, result
                        continue
                    for waiting, parameters in reading_facts:  # the facts are built
                        job = pool.submit(_on_a_connection_of_its_own, run_rule, waiting, parameters=parameters)
                        running[job] = waiting
        except BaseException:
            for future in running:  # a rule failed: start no other; those under way end first
                future.cancel()
            raise


def _build_the_facts() -> None:
    started = time.perf_counter()
    placements = placement_facts_rebuild()
    logger.info("placement facts of %s placements in %.1fs", placements, time.perf_counter() - started)


def _on_a_connection_of_its_own(work, *args, **kwargs):
    try:
        return work(*args, **kwargs)
    finally:
        connections.close_all()  # this thread's own connections (the replica's too, for the facts)


@transaction.atomic
def recheck(subjects: dict[str, list[int]]) -> dict:
    """Re-run the rules of the given subjects ({"placement": [ids], "worker": [ids], ...}).

    In one transaction and one statement for all the rules (APPLY_RULES)."""
    rules, settings_by_code = enabled_rules()
    runs = [
        (rule, rule_parameters(rule, settings_by_code), [int(pk) for pk in ids])
        for rule in rules
        if (ids := subjects.get(rule.subject))
    ]
    return apply_rules(runs, placements=list(subjects.get(SubjectType.PLACEMENT) or [])) if runs else {}


def apply_rules(runs: list[RuleRun], *, placements: list[int]) -> dict:
    """Apply each run in one statement and one transaction (a re-check's, or one of its own), the
    placement rules of a re-check on the facts of ``placements`` computed once; return each rule's
    counts."""
    facts = placement_facts_of(placements) if placements and any(rule.reads_facts for rule, _, _ in runs) else "[]"
    statement, values = _rules_statement(runs)
    counts = defaultdict(lambda: {"new_ids": [], "still_open": 0, "resolved": 0})
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # "Today" is the portal's calendar day (Asia/Jakarta), not the database session's (UTC).
        cursor.execute(
            statement, {**values, "placement_facts": facts, "now": timezone.now(), "today": timezone.localdate()}
        )
        for code, subject, new_ids, still_open, resolved in cursor.fetchall():
            counted = counts[code, subject]
            counted["new_ids"] += new_ids
            counted["still_open"] += still_open
            counted["resolved"] += resolved
        results = {}
        for rule, _, _ in runs:
            counted = counts[rule.code, rule.subject]
            if counted["new_ids"] and rule.severity == Severity.HIGH:
                notify_new_flags(rule, counted["new_ids"])
            run = {"new": len(counted["new_ids"]), "still_open": counted["still_open"], "resolved": counted["resolved"]}
            results[rule.code] = _merged(results.get(rule.code), run)
    return results


NOTIFY = """
INSERT INTO oversight_notification (user_id, flag_id, message, created_at)
SELECT u.id, f.id, %(message)s, now()
FROM oversight_flag f
JOIN accounts_user u ON u.is_active AND (
        u.role = 'ministry_official'
     OR (u.role = 'province_official' AND (f.area_code = u.province_id OR f.area_code LIKE u.province_id || '.%%'))
     OR (u.role = 'regency_official' AND (f.area_code = u.regency_id OR f.area_code LIKE u.regency_id || '.%%')))
WHERE f.id = ANY(%(ids)s)
ON CONFLICT DO NOTHING
RETURNING user_id
"""


def notify_new_flags(rule: Rule, flag_ids: list[int]) -> None:
    """In-app notices and e-mail to the officials whose jurisdiction the new flags fall in."""

    message = f"{rule.code}: {rule.title}"
    with connection.cursor() as cursor:
        cursor.execute(NOTIFY, {"message": message[:300], "ids": flag_ids})
        user_ids = {row[0] for row in cursor.fetchall()}
    recipients = list(User.objects.filter(pk__in=user_ids).exclude(email="").values_list("email", flat=True))
    if recipients:
        subject = f"[SISKOP2MI] {rule.title} ({len(flag_ids)})"
        body = f"{rule.explanation}\n\n{len(flag_ids)} new flag(s): {rule.code}."
        transaction.on_commit(
            lambda: send_mass_mail(
                [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients], fail_silently=True
            )
        )
