"""A keyed hash chain that makes an append-only table tamper-evident (等保 2.0 8.1.4.3 c; PIPL arts 55-56).

Each row of a chained table carries `seq` (1, 2, 3 … with no gaps), `prev_hash` (the previous row's hash, 64
zeros for the first) and `row_hash` = HMAC-SHA256(key, prev_hash || canonical serialisation of the row's
fields and seq). A head row (one per chain, in a separate table) holds the last seq and hash and a MAC over
them, so deleting the tail is seen too. `verify()` walks the chain and reports every row that was altered,
deleted, inserted or cut off; the `tiaojie verify-audit` command prints that report and the head hash for
the operator to note outside the database (docs/deployment.md).

Appends are serialised: `append()` locks the head row (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises
every writer already), so two concurrent appends cannot both take the same seq and fork the chain, and the
unique seq would refuse it anyway. The lock is held to the end of the caller's transaction.

The key is AUDIT_CHAIN_KEY, or else derived from SECRET_KEY with a label of its own. Whoever holds the key
can rewrite the whole chain consistently; the head hash recorded elsewhere is what catches that.

No model lives here (the lowest layer); the tables that use it register a `Chain` from their app's ready().
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

GENESIS = "0" * 64
_KEY_LABEL = b"tiaojie audit chain v1"


@dataclass(frozen=True)
class Chain:
    """A chained table: `model` has seq, prev_hash and row_hash; `fields` (attnames, e.g. user_id) are hashed.
    `head_model` has name (primary key), seq, head_hash and head_mac."""

    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    head_model: type[models.Model]


@dataclass(frozen=True)
class Problem:
    seq: int | None
    kind: str  # altered | broken_link | missing | beyond_head | truncated | head_forged | head_missing
    message: str


@dataclass
class Report:
    chain: str
    rows: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


_registry: dict[str, Chain] = {}


def register(chain: Chain) -> None:
    _registry[chain.name] = chain


def registered() -> list[Chain]:
    return list(_registry.values())


def chain_key() -> bytes:
    raw = getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY
    return hmac.new(raw.encode(), _KEY_LABEL, hashlib.sha256).digest()


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def canonical(values: dict[str, Any]) -> bytes:
    """One byte string per row whatever the database: sorted keys, UTC timestamps to the microsecond."""
    data = {name: _normalise(value) for name, value in values.items()}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(key: bytes, prev_hash: str, values: dict[str, Any]) -> str:
    return hmac.new(key, prev_hash.encode() + b"\n" + canonical(values), hashlib.sha256).hexdigest()


def head_mac(key: bytes, name: str, seq: int, head_hash: str) -> str:
    return hmac.new(key, f"head\n{name}\n{seq}\n{head_hash}".encode(), hashlib.sha256).hexdigest()


def _prepared(model: type[models.Model], fields: Sequence[str], source: dict[str, Any]) -> dict[str, Any]:
    """The values as the database stores them (an IPv6 address is normalised on the way in, for example), so
    the hash computed before the INSERT equals the one recomputed from the row read back."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    out: dict[str, Any] = {}
    for attname in fields:
        value = source[attname]
        if isinstance(by_attname[attname], models.GenericIPAddressField) and value:
            value = str(ipaddress.ip_address(value))
        out[attname] = value
    return out


def _values_of(chain: Chain, obj: models.Model, seq: int) -> dict[str, Any]:
    values = _prepared(chain.model, chain.fields, {name: getattr(obj, name) for name in chain.fields})
    values["seq"] = seq
    return values


def _locked_head(chain: Chain, using: str | None = None) -> Any:
    manager = chain.head_model._default_manager.db_manager(using)
    manager.get_or_create(name=chain.name, defaults={"seq": 0, "head_hash": GENESIS, "head_mac": ""})
    return manager.select_for_update().get(name=chain.name)


def append(chain: Chain, **values: Any) -> Any:
    """Insert one row at the end of the chain; `values` are the model's fields (a timestamp included: it is
    hashed, so it must be set here, not by auto_now_add after the hash). Returns the saved row."""
    key = chain_key()
    with transaction.atomic():
        head = _locked_head(chain)
        seq = head.seq + 1
        obj = chain.model(**values)
        obj.seq = seq  # type: ignore[attr-defined]
        obj.prev_hash = head.head_hash  # type: ignore[attr-defined]
        obj.row_hash = row_hash(key, head.head_hash, _values_of(chain, obj, seq))  # type: ignore[attr-defined]
        obj.save(force_insert=True)
        head.seq, head.head_hash = seq, obj.row_hash  # type: ignore[attr-defined]
        head.head_mac = head_mac(key, chain.name, seq, head.head_hash)
        head.save(update_fields=["seq", "head_hash", "head_mac"])
    return obj


def chain_existing_rows(chain: Chain, *, order_by: Sequence[str] = ("at", "id"), using: str = "default") -> int:
    """Give rows written before the chain existed (seq is null) their place at the end of the chain, oldest
    first. For the data migration that introduces a chain; the table's append-only guard must be lifted by
    the caller. Returns the number of rows chained."""
    key = chain_key()
    head = _locked_head(chain, using)
    manager = chain.model._default_manager.db_manager(using)
    done = 0
    for obj in manager.filter(seq__isnull=True).order_by(*order_by).iterator(chunk_size=1000):
        seq = head.seq + 1
        digest = row_hash(key, head.head_hash, _values_of(chain, obj, seq))
        manager.filter(pk=obj.pk).update(seq=seq, prev_hash=head.head_hash, row_hash=digest)
        head.seq, head.head_hash = seq, digest
        done += 1
    head.head_mac = head_mac(key, chain.name, head.seq, head.head_hash)
    head.save(update_fields=["seq", "head_hash", "head_mac"])
    return done


def _rows(chain: Chain) -> Iterator[tuple[Any, ...]]:
    columns = ("seq", "prev_hash", "row_hash", *chain.fields)
    queryset = chain.model._default_manager.order_by("seq", "pk").values_list(*columns)
    return queryset.iterator(chunk_size=2000)


def verify(chain: Chain) -> Report:
    """Walk the chain from seq 1 and compare with the head. Each problem names the seq where it was seen."""
    key = chain_key()
    report = Report(chain=chain.name)
    problems = report.problems
    head: Any = chain.head_model._default_manager.filter(name=chain.name).first()
    expected_seq, prev = 1, GENESIS
    last_seq, last_hash = 0, GENESIS
    for seq, prev_hash, stored_hash, *field_values in _rows(chain):
        report.rows += 1
        if seq is None:
            problems.append(Problem(None, "altered", _("一行没有序号（未经链式写入）")))
            continue
        if seq < expected_seq:
            problems.append(Problem(seq, "altered", _("序号 %(seq)s 重复或顺序错乱") % {"seq": seq}))
        elif seq > expected_seq:
            missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
            problems.append(Problem(seq, "missing", _("缺少序号 %(seqs)s（被删除）") % {"seqs": missing}))
        if prev_hash != prev:
            problems.append(
                Problem(seq, "broken_link", _("序号 %(seq)s 的前一哈希与上一行不符（链条断开）") % {"seq": seq})
            )
        values = _prepared(chain.model, chain.fields, dict(zip(chain.fields, field_values, strict=True)))
        values["seq"] = seq
        if not hmac.compare_digest(row_hash(key, prev_hash or "", values), stored_hash or ""):
            problems.append(
                Problem(seq, "altered", _("序号 %(seq)s 的内容与其哈希不符（被修改或伪造）") % {"seq": seq})
            )
        # Carry on from what is stored, so one altered row is reported once and not as a cascade.
        expected_seq, prev = seq + 1, stored_hash or ""
        last_seq, last_hash = seq, stored_hash or ""
    if head is None:
        if report.rows:
            problems.append(Problem(None, "head_missing", _("链头记录缺失，无法判断是否被截断")))
        return report
    report.head_seq, report.head_hash = head.seq, head.head_hash
    if not hmac.compare_digest(head_mac(key, chain.name, head.seq, head.head_hash), head.head_mac or ""):
        problems.append(Problem(head.seq, "head_forged", _("链头记录的校验码不符（链头被改写）")))
    if last_seq > head.seq:
        text = _("链头之后多出序号 %(first)s–%(last)s（被插入）") % {"first": head.seq + 1, "last": last_seq}
        problems.append(Problem(head.seq + 1, "beyond_head", text))
    elif last_seq < head.seq:
        text = _("链头记录到序号 %(head)s，表中只到 %(last)s（末尾被删除）") % {"head": head.seq, "last": last_seq}
        problems.append(Problem(last_seq + 1, "truncated", text))
    elif last_hash != head.head_hash:
        text = _("序号 %(seq)s 的哈希与链头记录不符（末尾被替换）") % {"seq": last_seq}
        problems.append(Problem(last_seq, "truncated", text))
    return report


def check_noted_head(chain: Chain, seq: int, expected_hash: str) -> Problem | None:
    """A head the operator noted earlier (seq and hash, kept outside the database) must still be in the chain:
    catches a chain rewritten by someone holding the key, up to that point."""
    stored = chain.model._default_manager.filter(seq=seq).values_list("row_hash", flat=True).first()
    if stored is None:
        return Problem(seq, "truncated", _("先前记录的序号 %(seq)s 已不在表中") % {"seq": seq})
    if not hmac.compare_digest(stored, expected_hash.strip().lower()):
        return Problem(seq, "altered", _("序号 %(seq)s 的哈希与先前记录的不符（链条被重写）") % {"seq": seq})
    return None
