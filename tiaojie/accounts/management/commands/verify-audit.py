"""`tiaojie verify-audit`: check the hash chains of the audit tables (docs/deployment.md). Exit status 1 and a
line per problem (table, seq, what) on any altered, deleted, inserted or cut-off row; run it from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tiaojie.lib import auditchain


class Command(BaseCommand):
    help = (
        "Verify the tamper-evident hash chains of the audit tables and print each chain's head "
        "(note it outside the database). Exits 1 on any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="CHAIN:SEQ:HASH",
            help="a head printed by an earlier run (the 'head' line); its row must still be in the chain",
        )

    def handle(self, *args: Any, expect: list[str], **options: Any) -> None:
        chains = {chain.name: chain for chain in auditchain.registered()}
        problems = 0
        for chain in chains.values():
            report = auditchain.verify(chain)
            state = _("完好") if report.ok else _("发现 %(n)d 处问题") % {"n": len(report.problems)}
            self.stdout.write(
                _("%(chain)s：%(rows)d 行，%(state)s") % {"chain": chain.name, "rows": report.rows, "state": state}
            )
            for problem in report.problems:
                seq = "-" if problem.seq is None else problem.seq
                self.stdout.write(f"  {chain.name} seq {seq} [{problem.kind}] {problem.message}")
            self.stdout.write(f"  head {chain.name}:{report.head_seq}:{report.head_hash}")
            problems += len(report.problems)
        for noted in expect:
            name, _sep, rest = noted.partition(":")
            seq_text, _sep, digest = rest.partition(":")
            if name not in chains or not seq_text.isdigit() or len(digest) != 64:
                raise CommandError(_("--expect 的格式应为 CHAIN:SEQ:HASH（本命令输出的 head 行），而不是 %r") % noted)
            found = auditchain.check_noted_head(chains[name], int(seq_text), digest)
            if found is None:
                self.stdout.write(_("%(chain)s：先前记录的序号 %(seq)s 仍在链中") % {"chain": name, "seq": seq_text})
            else:
                self.stdout.write(f"  {name} seq {found.seq} [{found.kind}] {found.message}")
                problems += 1
        if problems:
            raise CommandError(_("审计记录校验未通过：%(n)d 处问题（见上）。") % {"n": problems})
