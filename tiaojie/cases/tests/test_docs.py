from pathlib import Path

from tiaojie.cases.transitions import TRANSITIONS

DOC = Path(__file__).resolve().parents[3] / "docs" / "case-states.md"


def test_case_states_doc_lists_every_transition():
    rows = {
        tuple(cell.strip() for cell in line.strip("|").split("|")[:2])
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith("| from") and not line.startswith("|---")
    }
    table = {(str(t.source), str(t.target)) for t in TRANSITIONS}
    assert table <= rows, table - rows
    documented_moves = {
        r for r in rows if r[0] in {"received", "accepted", "mediating", "agreed", "failed", "declined", "withdrawn"}
    }
    assert documented_moves <= table, documented_moves - table
