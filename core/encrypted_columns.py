"""Re-sealing a table's encrypted column in batches: the data migrations that encrypt the
numbers already stored, and ``manage.py rotate_personal_data_key``.

Plain SQL over (id, value) batches, not the ORM: a migration's historical model carries
today's EncryptedCharField, which would try to decrypt the plain numbers it is about to seal.
Each batch is one SELECT by id range and one UPDATE ... FROM (VALUES ...), so an empty table
costs one query and a million rows a few hundred.
"""

from __future__ import annotations

from collections.abc import Callable

from psycopg2.extras import execute_values

from . import crypto

BATCH = 2000


def reseal_table(
    connection,
    *,
    table: str,
    column: str,
    companions: Callable[[str], dict],
    needs: Callable[[str], bool],
    batch: int = BATCH,
) -> int:
    """For each row of ``table`` whose ``column`` value ``needs`` work, write ``column`` and the
    ``companions(plain)`` columns (its hash, masking digits...). The value read is a token
    (decrypted with any listed key) or a plain number (from before encryption); an empty value
    is left alone. Returns the number of rows rewritten. Idempotent: ``needs`` says what is done."""
    quote = connection.ops.quote_name
    rewritten, last_id = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608 - names are ours, not input
                f"WHERE id > %s AND {quote(column)} <> '' ORDER BY id LIMIT %s",
                [last_id, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                return rewritten
            last_id = rows[-1][0]
            updates = []
            for row_id, stored in rows:
                if not needs(stored):
                    continue
                plain = crypto.decrypt(stored) if crypto.is_token(stored) else stored
                updates.append({"id": row_id, column: crypto.encrypt(plain), **companions(plain)})
            if not updates:
                continue
            names = [name for name in updates[0] if name != "id"]
            assignments = ", ".join(f"{quote(name)} = v.{quote(name)}" for name in names)
            columns = ", ".join(quote(name) for name in ["id", *names])
            execute_values(
                cursor,
                f"UPDATE {quote(table)} AS t SET {assignments} FROM (VALUES %s) AS v({columns}) "  # noqa: S608
                "WHERE t.id = v.id",
                [[update[name] for name in ["id", *names]] for update in updates],
                template=_template(table, names, cursor),
                page_size=batch,
            )
            rewritten += len(updates)


def _template(table: str, names: list[str], cursor) -> str:
    """``(%s, %s::text, %s::date...)``: VALUES needs a type where a column is not text."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        [table],
    )
    types = dict(cursor.fetchall())
    casts = {"date": "::date", "integer": "::int", "bigint": "::bigint"}
    return "(" + ", ".join(["%s::bigint", *(f"%s{casts.get(types.get(name, ''), '')}" for name in names)]) + ")"


def unseal_table(connection, *, table: str, column: str, batch: int = BATCH) -> int:
    """Back to plain numbers (reversing the migration): every token in ``column`` decrypted in place."""
    quote = connection.ops.quote_name
    rewritten, last_id = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {quote(column)} FROM {quote(table)} "  # noqa: S608
                f"WHERE id > %s AND {quote(column)} LIKE 'e1:%%' ORDER BY id LIMIT %s",
                [last_id, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                return rewritten
            last_id = rows[-1][0]
            execute_values(
                cursor,
                f"UPDATE {quote(table)} AS t SET {quote(column)} = v.plain "  # noqa: S608
                "FROM (VALUES %s) AS v(id, plain) WHERE t.id = v.id",
                [(row_id, crypto.decrypt(token)) for row_id, token in rows],
                page_size=batch,
            )
            rewritten += len(rows)


def not_sealed(stored: str) -> bool:
    """What a data migration rewrites: a number stored before encryption."""
    return not crypto.is_token(stored)


def document_number_columns(number: str) -> dict:
    """What a document row keeps beside its encrypted number (passport above all): the keyed hash
    (duplicates) and the last three characters (masking in lists without decrypting)."""
    return {"number_hash": crypto.keyed_hash(number), "number_last3": (number or "")[-3:]}


def encrypted_columns() -> list[tuple[str, str, str]]:
    """Every encrypted column of the installed models: (table, column, its keyed hash column or '')."""
    from django.apps import apps

    from .fields import EncryptedCharField

    found = []
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedCharField):
                hash_column = f"{field.column}_hash" if f"{field.name}_hash" in names else ""
                found.append((model._meta.db_table, field.column, hash_column))
    return sorted(found)


def rotate_keys(connection, *, new_hash_key: str = "", batch: int = BATCH, log=print) -> dict[str, int]:
    """Re-seal every token not sealed with the current (first) key of PERSONAL_DATA_KEYS; with
    ``new_hash_key``, also recompute every keyed hash under it (all rows). Idempotent: a second run
    finds nothing left to re-seal (or writes the same hashes again). Returns rows rewritten per column."""
    current = crypto.keyring().current_id
    new_hash_bytes = crypto.parse_hash_key(new_hash_key) if new_hash_key else None
    counts = {}
    for table, column, hash_column in encrypted_columns():
        if new_hash_bytes is not None and hash_column:

            def companions(plain, hash_column=hash_column):
                return {hash_column: crypto.hash_with(new_hash_bytes, plain)}

            def needs(stored):
                return True

        else:

            def companions(plain):
                return {}

            def needs(stored):
                return crypto.token_key_id(stored) != current

        counts[f"{table}.{column}"] = rewritten = reseal_table(
            connection, table=table, column=column, companions=companions, needs=needs, batch=batch
        )
        log(f"{table}.{column}: {rewritten} rows re-encrypted with key {current!r}")
    return counts
