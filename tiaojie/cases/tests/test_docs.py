from pathlib import Path

from tiaojie.cases.models import Status
from tiaojie.cases.transitions import TRANSITIONS

DOC = Path(__file__).resolve().parents[3] / "docs" / "case-states.md"


def transition_rows() -> set[tuple[str, str]]:
    """The (from, to) cells of the transition table: the rows under the header `| from | to | who |`."""
    rows: set[tuple[str, str]] = set()
    in_table = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| from | to | who |"):
            in_table = True
            continue
        if in_table and not line.startswith("|"):
            break
        if in_table and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows.add((cells[0], cells[1]))
    return rows


def test_case_states_doc_lists_exactly_the_transitions():
    rows = transition_rows()
    table = {(str(t.source), str(t.target)) for t in TRANSITIONS}
    assert rows, "no transition table found in docs/case-states.md"
    assert table - rows == set(), "transitions missing from docs/case-states.md"
    assert rows - table == set(), "docs/case-states.md lists moves the code does not allow"


def test_every_state_is_in_the_doc_and_in_the_table():
    statuses = {str(s) for s in Status}
    in_table = {state for row in transition_rows() for state in row}
    assert statuses <= in_table, statuses - in_table
    assert in_table <= statuses, in_table - statuses
