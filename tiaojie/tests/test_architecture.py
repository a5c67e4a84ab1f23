"""Rules of the architecture, checked on the source with `ast` (docs/architecture-checks.md).

Every rule reads every product module: tiaojie/**/*.py except tests (any `tests` folder, test_*.py,
conftest.py) and migrations. A finding names the file, the line and the enclosing function. "Inside function
F" means anywhere in the body of the outermost function or method F (class names included, e.g.
"CaseAdmin.save_model"), nested functions and lambdas included. Allowed exceptions are listed per rule, each
with its reason, keyed by (path, outermost function); an entry that no longer matches anything fails too, so
the lists cannot go stale. Each rule has self-tests that feed it snippets and assert what it catches.

No database: rule C introspects the models through django.apps, which pytest-django has set up.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]  # .../tiaojie
FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)


# --- reading the source ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    path: str  # "tiaojie/cases/actions.py", always with forward slashes
    tree: ast.Module


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    function: str  # the outermost enclosing function or method, "" at module level
    message: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.function)

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function or '<module>'}: {self.message}"


def is_product_file(path: Path) -> bool:
    parts = path.relative_to(PACKAGE.parent).parts
    return not (
        "tests" in parts or "migrations" in parts or path.name.startswith("test_") or path.name == "conftest.py"
    )


def product_modules() -> list[Module]:
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        # "*.html.py" / "*.txt.py" are makemessages' temporary copies of templates, written beside them while
        # test_translations extracts in another worker: not code, and gone a moment later.
        if path.name.endswith((".html.py", ".txt.py")) or not path.exists():
            continue
        if is_product_file(path):
            relative = path.relative_to(PACKAGE.parent).as_posix()
            modules.append(Module(relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)))
    return modules


def snippet(source: str, path: str = "tiaojie/example/views.py") -> list[Module]:
    """A bad (or good) example for a self-test, as if it were the product module `path`."""
    return [Module(path, ast.parse(source))]


@pytest.fixture(scope="module")
def modules() -> list[Module]:
    return product_modules()


def scoped(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Every node with the qualified name of its outermost enclosing function ("" outside any)."""

    def visit(node: ast.AST, classes: str, unit: str) -> Iterator[tuple[ast.AST, str]]:
        for child in ast.iter_child_nodes(node):
            yield child, unit
            if not unit and isinstance(child, ast.ClassDef):
                yield from visit(child, f"{classes}{child.name}.", unit)
            elif not unit and isinstance(child, FUNCTION_NODES):
                yield from visit(child, classes, f"{classes}{child.name}")
            else:
                yield from visit(child, classes, unit)

    yield from visit(tree, "", "")


def units(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """The outermost functions and methods, by qualified name, and the module itself as ""."""
    yield "", tree
    for node, unit in scoped(tree):
        if isinstance(node, FUNCTION_NODES) and not unit:
            # `scoped` gives a def the unit it sits in; an outermost def sits in none.
            yield _qualname(tree, node), node


def _qualname(tree: ast.AST, target: ast.AST) -> str:
    def find(node: ast.AST, prefix: str) -> str | None:
        for child in ast.iter_child_nodes(node):
            if child is target:
                return prefix + target.name  # type: ignore[attr-defined]
            if isinstance(child, ast.ClassDef):
                found = find(child, f"{prefix}{child.name}.")
                if found:
                    return found
        return None

    return find(tree, "") or ""


def chain(node: ast.AST) -> tuple[ast.AST, list[str]]:
    """`Case.objects.filter(x).update` → (Name Case, ["objects", "filter", "update"])."""
    attrs: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node, attrs[::-1]


MANAGERS = {"objects", "_default_manager", "_base_manager"}


def manager_model(node: ast.AST) -> str | None:
    """The model a manager chain starts from: "Case" for `Case.objects.filter(x)` and for
    `models.Case.objects.get(...)`; None when there is no `.objects` (or other manager) in the chain."""
    root, attrs = chain(node)
    path = ([root.id] if isinstance(root, ast.Name) else []) + attrs
    for i, attr in enumerate(path):
        if attr in MANAGERS:
            return path[i - 1] if i > 0 else None
    return None


def import_aliases(tree: ast.AST) -> dict[str, str]:
    """Local name → imported name, for `from x import Case as C`."""
    return {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname
    }


def call_name(call: ast.Call) -> str:
    """The called name: `f` for f(...), `m` for x.m(...)."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def is_str(node: ast.AST | None, value: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == value


def dict_has_key(node: ast.AST | None, key: str) -> bool:
    if isinstance(node, ast.Dict):
        return any(is_str(k, key) for k in node.keys)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return any(kw.arg == key for kw in node.keywords)
    return False


def flatten_targets(targets: list[ast.expr]) -> Iterator[ast.expr]:
    for target in targets:
        if isinstance(target, ast.Tuple | ast.List):
            yield from flatten_targets(list(target.elts))
        elif isinstance(target, ast.Starred):
            yield from flatten_targets([target.value])
        else:
            yield target


def assert_no_findings(findings: list[Finding], allowed: dict[tuple[str, str], str], rule: str) -> None:
    unexpected = [f for f in findings if f.key not in allowed]
    stale = sorted(set(allowed) - {f.key for f in findings})
    message = [f"{rule}: {len(unexpected)} finding(s) (docs/architecture-checks.md says how to fix or allow):"]
    message += [f"  {f}" for f in sorted(unexpected)]
    if stale:
        message.append(f"{rule}: allow-list entries that no longer match anything (remove them): {stale}")
    assert not unexpected and not stale, "\n".join(message)


# --- rule A: a case's status is written only by do_transition_case ---------------------------------------

STATUS_OWNER = ("tiaojie/cases/actions.py", "do_transition_case")

# Writes of a case's status outside do_transition_case that are legitimate, with why.
STATUS_ALLOWED: dict[tuple[str, str], str] = {}

QUERYSET_WRITES = {"update", "create", "get_or_create", "update_or_create", "aupdate", "acreate"}
OBJECT_RETURNING = {"get", "first", "last", "latest", "earliest", "create", "get_or_create", "aget", "afirst"}
RAW_STATUS_UPDATE = re.compile(r"\bupdate\s+\"?cases_case\"?\s+set\b[^;]*\bstatus\b", re.IGNORECASE | re.DOTALL)


def _annotation_text(node: ast.AST | None) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


def _annotates_case(text: str) -> bool:
    return bool(re.search(r"\bCase\b", text)) and "QuerySet" not in text and "list[" not in text


def _annotates_case_queryset(text: str) -> bool:
    return bool(re.search(r"(QuerySet|Manager)\[\s*Case\s*\]", text))


@dataclass
class CaseTypes:
    """Which expressions of one function are a Case, or a queryset of cases. A Case is:

    - a variable named `case` or `*_case`, or an attribute `.case` / `._case` (`document.case`, `self.case`);
    - a variable or parameter annotated `Case` (also `Case | None`);
    - a variable assigned one of these, or from `Case(...)`, `Case.objects….get/first/create(...)`,
      `get_object_or_404(Case, ...)`, or a call of a product function whose return annotation is Case
      (e.g. access_case);
    - the loop variable of a `for` (or comprehension) over a queryset of cases.

    A queryset of cases is a chain on `Case.objects` / `Case._default_manager`, on a related manager named
    `cases` (organisation.cases, employer.cases, worker.cases), a call of a product function annotated to
    return QuerySet[Case] (cases_visible_to), or a variable assigned one of these."""

    case_models: set[str]
    case_functions: set[str]
    queryset_functions: set[str]
    objects: set[str] = field(default_factory=set)
    querysets: set[str] = field(default_factory=set)

    def is_case(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id == "case" or node.id.endswith("_case") or node.id in self.objects
        if isinstance(node, ast.Attribute) and (node.attr == "case" or node.attr.endswith("_case")):
            return True
        if isinstance(node, ast.Await):
            return self.is_case(node.value)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in self.case_models | self.case_functions:
                return True
            if call_name(node) in {"get_object_or_404", "aget_object_or_404"} and node.args:
                return self._rooted_in_case_model(node.args[0])
            _root, attrs = chain(node)
            if attrs and attrs[-1] in OBJECT_RETURNING:
                return self.is_queryset(node.func.value) if isinstance(node.func, ast.Attribute) else False
        return False

    def _rooted_in_case_model(self, node: ast.AST) -> bool:
        root, _attrs = chain(node)
        return (isinstance(root, ast.Name) and root.id in self.case_models) or manager_model(node) in self.case_models

    def is_queryset(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.querysets
        if manager_model(node) in self.case_models:
            return True
        root, attrs = chain(node)
        if isinstance(root, ast.Name) and root.id in self.queryset_functions:
            return True
        if isinstance(root, ast.Name) and root.id in self.querysets:
            return True
        return "cases" in attrs

    def learn(self, unit: ast.AST) -> None:
        """Two passes, so that `c = case` then `d = c` are both known."""
        for _ in range(2):
            for node in ast.walk(unit):
                if isinstance(node, FUNCTION_NODES):
                    for arg in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
                        self._learn_annotation(arg.arg, arg.annotation)
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    self._learn_annotation(node.target.id, node.annotation)
                    if node.value is not None:
                        self._learn_value(node.target.id, node.value)
                elif isinstance(node, ast.Assign | ast.NamedExpr):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Name):
                            self._learn_value(target.id, node.value)
                elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                    if self.is_queryset(node.iter):
                        for target in flatten_targets([node.target]):
                            if isinstance(target, ast.Name):
                                self.objects.add(target.id)

    def _learn_annotation(self, name: str, annotation: ast.AST | None) -> None:
        text = _annotation_text(annotation)
        if _annotates_case_queryset(text):
            self.querysets.add(name)
        elif _annotates_case(text):
            self.objects.add(name)

    def _learn_value(self, name: str, value: ast.AST) -> None:
        if self.is_case(value):
            self.objects.add(name)
        elif self.is_queryset(value):
            self.querysets.add(name)


def functions_returning(modules: list[Module], predicate: Callable[[str], bool]) -> set[str]:
    return {
        node.name
        for module in modules
        for node in ast.walk(module.tree)
        if isinstance(node, FUNCTION_NODES) and predicate(_annotation_text(node.returns))
    }


def _local_dicts_with_status(unit: ast.AST) -> tuple[set[str], set[str]]:
    """Names of this function bound to a dict literal (or dict(...)), and those of them given a "status" key
    (in the literal, by d["status"] = ..., or by d.update(status=...))."""
    dicts, with_status = set(), set()
    for node in ast.walk(unit):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and isinstance(node.value, ast.Dict | ast.Call):
                    if isinstance(node.value, ast.Dict) or call_name(node.value) == "dict":
                        dicts.add(target.id)
                        if dict_has_key(node.value, "status"):
                            with_status.add(target.id)
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    if is_str(target.slice, "status"):
                        with_status.add(target.value.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
            if isinstance(node.func.value, ast.Name) and any(kw.arg == "status" for kw in node.keywords):
                with_status.add(node.func.value.id)
    return dicts, with_status


def check_case_status(modules: list[Module]) -> list[Finding]:
    """Rule A. A finding is, on a Case (see CaseTypes for how one is recognised, so a notification's,
    document's or work order's `status` is not one):

    - `case.status = ...` (also augmented, annotated, or unpacked in a tuple);
    - `setattr(case, "status", ...)`, or `setattr(case, name, ...)` with a computed name;
    - `update(...)`, `create(...)`, `get_or_create(...)` or `update_or_create(...)` on a queryset of cases with
      `status=...`, with `defaults`/`create_defaults` holding "status", or with `**mapping` where the mapping is
      a dict of this function given a "status" key, or anything else whose keys cannot be seen here;
    - `bulk_update(..., ["status", ...])` on a queryset of cases; `Case(status=...)`;
    - `case.save(update_fields=[..., "status", ...])`;
    - a string that reads as SQL `UPDATE cases_case SET ... status`.

    Allowed inside do_transition_case (tiaojie/cases/actions.py) and the STATUS_ALLOWED entries."""
    case_functions = functions_returning(modules, _annotates_case)
    queryset_functions = functions_returning(modules, _annotates_case_queryset)
    findings = []
    for module in modules:
        aliases = import_aliases(module.tree)
        case_models = {"Case"} | {local for local, name in aliases.items() if name == "Case"}
        for unit_name, unit in units(module.tree):
            types = CaseTypes(case_models, case_functions, queryset_functions)
            types.learn(unit)
            dicts, dicts_with_status = _local_dicts_with_status(unit)

            def found(node: ast.AST, message: str, path: str = module.path, unit_name: str = unit_name) -> None:
                if (path, unit_name) != STATUS_OWNER:
                    findings.append(Finding(path, getattr(node, "lineno", 0), unit_name, message))

            nodes = ast.walk(unit) if unit_name else (n for n, u in scoped(module.tree) if u == "")
            for node in nodes:
                _check_status_node(node, types, dicts, dicts_with_status, found)
    return findings


def _check_status_node(
    node: ast.AST,
    types: CaseTypes,
    dicts: set[str],
    dicts_with_status: set[str],
    found: Callable[[ast.AST, str], None],
) -> None:
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        targets: list[ast.expr] = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in flatten_targets(targets):
            if isinstance(target, ast.Attribute) and target.attr == "status" and types.is_case(target.value):
                found(node, f"assigns {ast.unparse(target)}")
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and RAW_STATUS_UPDATE.search(node.value):
        found(node, "SQL updating cases_case.status")
    elif isinstance(node, ast.Call):
        name = call_name(node)
        if isinstance(node.func, ast.Name) and name == "setattr" and len(node.args) >= 2:
            if types.is_case(node.args[0]):
                if is_str(node.args[1], "status"):
                    found(node, f"setattr({ast.unparse(node.args[0])}, 'status', ...)")
                elif not isinstance(node.args[1], ast.Constant):
                    found(node, f"setattr({ast.unparse(node.args[0])}, <computed name>, ...) may set status")
        elif isinstance(node.func, ast.Name) and name in types.case_models:
            if any(kw.arg == "status" for kw in node.keywords):
                found(node, f"{name}(status=...)")
        elif isinstance(node.func, ast.Attribute) and name in QUERYSET_WRITES and types.is_queryset(node.func.value):
            for kw in node.keywords:
                if kw.arg == "status":
                    found(node, f"{name}(status=...) on cases")
                elif kw.arg in {"defaults", "create_defaults"} and dict_has_key(kw.value, "status"):
                    found(node, f"{name}({kw.arg}={{'status': ...}}) on cases")
                elif kw.arg is None:  # **mapping
                    mapping = kw.value
                    if isinstance(mapping, ast.Dict | ast.Call) and not dict_has_key(mapping, "status"):
                        continue
                    if isinstance(mapping, ast.Name) and mapping.id in dicts and mapping.id not in dicts_with_status:
                        continue
                    found(node, f"{name}(**{ast.unparse(mapping)}) on cases may set status")
        elif isinstance(node.func, ast.Attribute) and name == "bulk_update" and types.is_queryset(node.func.value):
            fields = (
                node.args[1]
                if len(node.args) > 1
                else next((k.value for k in node.keywords if k.arg == "fields"), None)
            )
            if fields is not None and any(is_str(n, "status") for n in ast.walk(fields)):
                found(node, "bulk_update(..., ['status']) on cases")
        elif isinstance(node.func, ast.Attribute) and name == "save" and types.is_case(node.func.value):
            for kw in node.keywords:
                if kw.arg == "update_fields" and any(is_str(n, "status") for n in ast.walk(kw.value)):
                    found(node, "save(update_fields=['status']) on a case")


def test_case_status_is_written_only_by_do_transition_case(modules: list[Module]) -> None:
    assert_no_findings(check_case_status(modules), STATUS_ALLOWED, "rule A (case status)")


@pytest.mark.parametrize(
    "source",
    [
        "def f(case):\n    case.status = 'closed'\n",
        "def f(case):\n    case.status, case.updated_at = 'closed', None\n",
        "def f(document):\n    document.case.status = 'closed'\n",
        "def f(pk):\n    c = Case.objects.get(pk=pk)\n    c.status = 'closed'\n",
        "def f(pk):\n    for c in Case.objects.filter(pk=pk):\n        c.status = 'closed'\n",
        "def f(x: Case):\n    x.status = 'closed'\n",
        "def f(user, pk):\n    c = access_case(user, pk)\n    c.status = 'closed'\n",
        "def f(case):\n    setattr(case, 'status', 'closed')\n",
        "def f(case, updates):\n    for k, v in updates.items():\n        setattr(case, k, v)\n",
        "def f(pk):\n    Case.objects.filter(pk=pk).update(status='closed')\n",
        "def f(pk):\n    Case.objects.select_for_update().filter(pk=pk).update(status='closed', updated_at=1)\n",
        "def f(pk):\n    qs = Case.objects.filter(pk=pk)\n    qs.update(status='closed')\n",
        "def f(pk):\n    models.Case.objects.filter(pk=pk).update(status='closed')\n",
        "def f(org):\n    org.cases.update(status='closed')\n",
        "def f(user):\n    cases_visible_to(user).update(status='closed')\n",
        "def f(pk):\n    u = {'status': 'closed'}\n    Case.objects.filter(pk=pk).update(**u)\n",
        "def f(pk):\n    u = {}\n    u['status'] = 'closed'\n    Case.objects.filter(pk=pk).update(**u)\n",
        "def f(pk, fields):\n    Case.objects.filter(pk=pk).update(**fields)\n",
        "def f(pk):\n    Case.objects.update_or_create(pk=pk, defaults={'status': 'closed'})\n",
        "def f(cases):\n    Case.objects.bulk_update(cases, ['status'])\n",
        "def f():\n    return Case(status='closed')\n",
        "def f(case):\n    case.save(update_fields=['status'])\n",
        "def f(cursor):\n    cursor.execute('UPDATE cases_case SET status = %s WHERE id = %s', ['closed', 1])\n",
        "from tiaojie.cases.models import Case as C\ndef f():\n    C.objects.filter(pk=1).update(status='x')\n",
        "case.status = 'closed'\n",  # at module level
    ],
)
def test_rule_a_catches(source: str) -> None:
    support = "def access_case(user, pk) -> Case: ...\ndef cases_visible_to(user) -> QuerySet[Case]: ...\n"
    findings = check_case_status(snippet(support + source))
    assert findings, source


@pytest.mark.parametrize(
    "source",
    [
        "def f(notification):\n    notification.status = 'sent'\n",
        "def f(pk):\n    WorkOrder.objects.filter(pk=pk).update(status='closed')\n",
        "def f(case):\n    case.events.filter(kind='x').update(status='y')\n",  # not the case's own rows
        "def f(pk):\n    Case.objects.filter(pk=pk).update(**{'facts': ''})\n",
        "def f(pk):\n    u = {'facts': ''}\n    Case.objects.filter(pk=pk).update(**u)\n",
        "def f(case):\n    return case.status == 'closed'\n",
        "def f(case):\n    setattr(case, 'facts', '')\n",
    ],
)
def test_rule_a_leaves_alone(source: str) -> None:
    assert check_case_status(snippet(source)) == [], source


def test_rule_a_allows_do_transition_case() -> None:
    source = "def do_transition_case(*, case):\n    Case.objects.filter(pk=case.pk).update(status='x')\n"
    assert check_case_status(snippet(source, STATUS_OWNER[0])) == []
    assert check_case_status(snippet(source.replace("do_transition_case", "other"), STATUS_OWNER[0]))


# --- rule B: a CaseEvent is created only by record_case_event ---------------------------------------------

EVENT_OWNER = ("tiaojie/cases/actions.py", "record_case_event")

# CaseEvents created elsewhere, with why. None: every event must send `case_changed`.
EVENT_ALLOWED: dict[tuple[str, str], str] = {}

MODEL_SIGNALS = {"pre_save", "post_save", "pre_delete", "post_delete", "pre_init", "post_init"}
CREATING = {"create", "acreate", "get_or_create", "aget_or_create", "update_or_create", "bulk_create", "abulk_create"}


def check_case_events(modules: list[Module]) -> list[Finding]:
    """Rule B. A finding is: `CaseEvent(...)`; `create`, `get_or_create`, `update_or_create` or `bulk_create`
    on `CaseEvent.objects` (or `_default_manager`) or on a related manager `.events` (`case.events.create`);
    or a model signal (post_save, pre_save, ...) connected with `sender=CaseEvent`, by `.connect(...)` or
    `@receiver(...)`: a receiver on the model would be a second, silent way to react to events. Import
    aliases of CaseEvent are followed. Allowed inside record_case_event (tiaojie/cases/actions.py) and the
    EVENT_ALLOWED entries."""
    findings = []
    for module in modules:
        aliases = import_aliases(module.tree)
        names = {"CaseEvent"} | {local for local, name in aliases.items() if name == "CaseEvent"}

        def is_event_model(node: ast.AST, names: set[str] = names) -> bool:
            return (isinstance(node, ast.Name) and node.id in names) or (
                isinstance(node, ast.Attribute) and node.attr == "CaseEvent"
            )

        for node, unit in scoped(module.tree):
            if not isinstance(node, ast.Call) or (module.path, unit) == EVENT_OWNER:
                continue
            message = ""
            if is_event_model(node.func):
                message = "CaseEvent(...)"
            elif isinstance(node.func, ast.Attribute) and node.func.attr in CREATING:
                on_model = manager_model(node.func.value) in names
                if on_model or (isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "events"):
                    message = f"{ast.unparse(node.func)}(...)"
            sender = next((kw.value for kw in node.keywords if kw.arg == "sender"), None)
            if sender is not None and is_event_model(sender):
                signal = node.func.value if isinstance(node.func, ast.Attribute) else next(iter(node.args), None)
                signal_name = signal.attr if isinstance(signal, ast.Attribute) else getattr(signal, "id", "")
                if signal_name in MODEL_SIGNALS:
                    message = f"{signal_name} receiver on CaseEvent"
            if message:
                findings.append(Finding(module.path, node.lineno, unit, f"{message}: use record_case_event"))
    return findings


def test_case_events_are_created_only_by_record_case_event(modules: list[Module]) -> None:
    assert_no_findings(check_case_events(modules), EVENT_ALLOWED, "rule B (CaseEvent)")


@pytest.mark.parametrize(
    "source",
    [
        "def f(case):\n    CaseEvent.objects.create(case=case, kind='note')\n",
        "def f(case):\n    CaseEvent.objects.get_or_create(case=case, kind='note')\n",
        "def f(case):\n    CaseEvent.objects.bulk_create([CaseEvent(case=case, kind='note')])\n",
        "def f(case):\n    e = CaseEvent(case=case, kind='note')\n    e.save()\n",
        "def f(case):\n    case.events.create(kind='note')\n",
        "from tiaojie.cases.models import CaseEvent as E\ndef f(case):\n    E.objects.create(case=case)\n",
        "def f(case):\n    models.CaseEvent.objects.create(case=case)\n",
        "post_save.connect(handler, sender=CaseEvent)\n",
        "@receiver(post_save, sender=CaseEvent)\ndef handler(sender, instance, **kwargs):\n    pass\n",
    ],
)
def test_rule_b_catches(source: str) -> None:
    assert check_case_events(snippet(source)), source


def test_rule_b_allows_record_case_event_only() -> None:
    source = "def record_case_event(*, case, kind):\n    return CaseEvent.objects.create(case=case, kind=kind)\n"
    assert check_case_events(snippet(source, EVENT_OWNER[0])) == []
    assert check_case_events(snippet(source, "tiaojie/intake/actions.py"))
    assert check_case_events(snippet("def f(x):\n    x.events.filter(kind='note').count()\n")) == []
    assert check_case_events(snippet("case_changed.connect(handler, sender=CaseEvent)\n")) == []


# --- rule C: views and the API fetch case data through the access functions -------------------------------

# Look-ups of case-bearing models by id in views and API modules that are legitimate, with why.
VIEW_GET_ALLOWED: dict[tuple[str, str], str] = {}


def is_view_module(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name in {"views.py", "api.py"} or name.endswith("_views.py") or path.startswith("tiaojie/api/")


def case_bearing_models() -> set[str]:
    """Case and every installed model with a ForeignKey or OneToOneField to it, by class name."""
    from django.apps import apps

    from tiaojie.cases.models import Case

    names = {"Case"}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if (f.many_to_one or f.one_to_one) and f.concrete and f.related_model is Case:
                names.add(model.__name__)
    return names


def check_view_lookups(modules: list[Module], models: set[str]) -> list[Finding]:
    """Rule C. In a view or API module (views.py, *_views.py, api.py, tiaojie/api/*.py), a finding is
    `M.objects….get(...)` (also `aget`, on `_default_manager`/`_base_manager`, after select_related or
    filter) or `get_object_or_404(M…, ...)` (also aget_object_or_404, get_list_or_404) where M is a
    case-bearing model (`models`: Case and the models with a ForeignKey or OneToOneField to it), import
    aliases followed. Such a look-up skips the access check: go through the app's access function
    (cases.access.access_case and the like), which 404s outside the user's scope. Allowed: VIEW_GET_ALLOWED."""
    findings = []
    for module in modules:
        if not is_view_module(module.path):
            continue
        aliases = import_aliases(module.tree)

        def model_of(node: ast.AST, aliases: dict[str, str] = aliases) -> str | None:
            """The case-bearing model of `Model`, `Model.objects…` or `models.Model.objects…`, if any."""
            root, _attrs = chain(node)
            name = manager_model(node) or (root.id if isinstance(root, ast.Name) else "")
            name = aliases.get(name, name)
            return name if name in models else None

        for node, unit in scoped(module.tree):
            if not isinstance(node, ast.Call):
                continue
            name = call_name(node)
            model = None
            if isinstance(node.func, ast.Attribute) and name in {"get", "aget"}:
                if manager_model(node.func.value) is not None:
                    model = model_of(node.func.value)
            elif name in {"get_object_or_404", "aget_object_or_404", "get_list_or_404"} and node.args:
                model = model_of(node.args[0])
            if model:
                findings.append(
                    Finding(module.path, node.lineno, unit, f"{ast.unparse(node.func)}() on {model} skips access")
                )
    return findings


@pytest.fixture(scope="module")
def case_models() -> set[str]:
    return case_bearing_models()


def test_case_bearing_models_are_found(case_models: set[str]) -> None:
    # A sample, so that a broken introspection cannot make the rule vacuous.
    assert {"Case", "CaseEvent", "Document", "Agreement", "Evidence", "Negotiation"} <= case_models
    assert "Organisation" not in case_models


def test_views_fetch_cases_through_access_functions(modules: list[Module], case_models: set[str]) -> None:
    assert_no_findings(check_view_lookups(modules, case_models), VIEW_GET_ALLOWED, "rule C (views)")


@pytest.mark.parametrize(
    "source",
    [
        "def v(request, pk):\n    return Case.objects.get(pk=pk)\n",
        "def v(request, pk):\n    return Document.objects.select_related('case').get(pk=pk)\n",
        "def v(request, pk):\n    return get_object_or_404(Agreement, pk=pk)\n",
        "def v(request, pk):\n    return get_object_or_404(Case.objects.filter(status='x'), pk=pk)\n",
        "from tiaojie.cases.models import Case as C\ndef v(request, pk):\n    return C.objects.get(pk=pk)\n",
        "def v(request, pk):\n    return models.Evidence.objects.get(pk=pk)\n",
    ],
)
def test_rule_c_catches(source: str, case_models: set[str]) -> None:
    assert check_view_lookups(snippet(source, "tiaojie/example/views.py"), case_models), source
    assert check_view_lookups(snippet(source, "tiaojie/example/public_views.py"), case_models), source
    assert check_view_lookups(snippet(source, "tiaojie/api/urls.py"), case_models), source
    assert check_view_lookups(snippet(source, "tiaojie/example/actions.py"), case_models) == [], source


def test_rule_c_leaves_alone(case_models: set[str]) -> None:
    source = (
        "def v(request, pk):\n"
        "    case = access_case(request.user, pk)\n"
        "    org = Organisation.objects.get(pk=1)\n"
        "    return case.documents.get(pk=pk), request.GET.get('q'), org\n"
    )
    assert check_view_lookups(snippet(source), case_models) == []


# --- rule D: a full ID or phone number is revealed only with an access-log entry ---------------------------

# How the project reveals: Worker.reveal(field), HotlineCall.reveal_caller_phone(), EmployerContact.reveal_phone()
# and, under them, tiaojie.lib.crypto.decrypt. The log is accounts.actions.do_log_pii_access (one
# PiiAccessLog row per value shown), also called through documents.actions.log_pii.
REVEALING = {"reveal", "reveal_phone", "reveal_caller_phone", "decrypt"}
LOGGING = {"do_log_pii_access", "log_pii"}

# Functions that reveal without logging, with why. Each must be a primitive, or use the value without
# showing it to anyone (sending an SMS to that very number, creating the case from the call). Document
# builders need no entry: recording the number in `content.pii` defers the log to whoever builds the content.
PII_ALLOWED: dict[tuple[str, str], str] = {
    ("tiaojie/lib/crypto.py", "decrypt"): "the primitive itself",
    ("tiaojie/cases/models.py", "Worker.reveal"): "primitive; callers log (cases.actions.do_reveal_worker_field)",
    ("tiaojie/hotline/models.py", "HotlineCall.reveal_caller_phone"): "primitive; do_reveal_caller_phone logs",
    ("tiaojie/mediation/models.py", "EmployerContact.reveal_phone"): "primitive; for sending, never display",
    ("tiaojie/mediation/models.py", "Negotiation.token"): "a secret link token, not personal data",
    ("tiaojie/mediation/models.py", "Rating.token"): "a secret link token, not personal data",
    ("tiaojie/intake/public_views.py", "_load"): (
        "the online applicant's own draft, kept encrypted in their session, shown back to them only"
    ),
    ("tiaojie/hotline/actions.py", "do_convert_call_to_case"): (
        "the caller's phone goes into the new case's worker record (encrypted again), not onto a screen"
    ),
    ("tiaojie/notifications/channels.py", "SmsChannel.send"): "sent to that very number by SMS, never shown",
    ("tiaojie/mediation/actions/common.py", "applicant_phones"): "for sending an SMS inside an action only",
    ("tiaojie/mediation/actions/common.py", "employer_phone"): "for sending an SMS inside an action only",
    ("tiaojie/intake/actions.py", "phones_on_file"): "the numbers on file, for warning SMS only, never shown",
    ("tiaojie/intake/actions.py", "submission_receipt"): (
        "the applicant's own confirmation (their tracking code), shown back to the session that submitted it"
    ),
    ("tiaojie/intake/public_views.py", "_tracking_phone"): (
        "the number the worker typed at the look-up, kept encrypted in their session to text a withdrawal code"
    ),
    ("tiaojie/intake/public_views.py", "_held_unlock"): (
        "the tracking code and number the worker typed to ask for an unlock code, kept encrypted in their session "
        "until they type the SMS code; never shown"
    ),
}


def _calls(nodes: list[ast.AST], names: set[str]) -> bool:
    return any(isinstance(n, ast.Call) and call_name(n) in names for n in nodes)


def _records_pii(nodes: list[ast.AST]) -> bool:
    """`x.pii.append(...)` / `x.pii.extend(...)` / `x.pii += ...`: the document content's list of numbers
    printed, which its builder logs."""
    for n in nodes:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in {"append", "extend"}:
            if isinstance(n.func.value, ast.Attribute) and n.func.value.attr == "pii":
                return True
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Attribute) and n.target.attr == "pii":
            return True
    return False


def _returns_pii(nodes: list[ast.AST]) -> bool:
    return any(
        isinstance(n, ast.Return)
        and n.value is not None
        and any(isinstance(m, ast.Attribute) and m.attr == "pii" for m in ast.walk(n.value))
        for n in nodes
    )


def check_pii_reveals(modules: list[Module]) -> list[Finding]:
    """Rule D. A *reveal* is a call of a method or function named reveal, reveal_phone, reveal_caller_phone
    or decrypt (tiaojie.lib.crypto.decrypt and the model methods built on it, which return a full ID or phone
    number). Per outermost function or method (or module-level code), nested functions included (so
    handoff's inner `reveal()` helper that logs each value counts for handoff_package), a finding is:

    1. a reveal in a function that neither calls do_log_pii_access or log_pii nor records the number in a
       document's `content.pii` (`x.pii.append/extend`, `x.pii +=`);
    2. a call of `kinds.build(...)` (which returns a document's Content with its `pii`) in a function that
       neither calls do_log_pii_access or log_pii nor returns the `.pii` to its caller.

    So a document builder may reveal, because whoever builds the content logs its pii. The check is per
    function, not per path through it: a function that logs on one branch and reveals on another passes;
    review catches that. Allowed: the PII_ALLOWED entries, each a primitive or a use that shows the value to
    nobody."""
    findings = []
    for module in modules:
        for unit_name, unit in units(module.tree):
            nodes = list(ast.walk(unit)) if unit_name else [n for n, u in scoped(module.tree) if u == ""]
            calls = [n for n in nodes if isinstance(n, ast.Call)]
            logs = _calls(nodes, LOGGING)
            if not logs and not _records_pii(nodes):
                for call in calls:
                    if call_name(call) in REVEALING:
                        message = f"{ast.unparse(call.func)}() without an access log"
                        findings.append(Finding(module.path, call.lineno, unit_name, message))
            if not logs and not _returns_pii(nodes):
                for call in calls:
                    if ast.unparse(call.func) == "kinds.build":
                        message = "kinds.build() without logging or returning the content's pii"
                        findings.append(Finding(module.path, call.lineno, unit_name, message))
    return findings


def test_pii_is_revealed_only_with_an_access_log(modules: list[Module]) -> None:
    assert_no_findings(check_pii_reveals(modules), PII_ALLOWED, "rule D (personal data)")


def test_log_pii_writes_the_access_log(modules: list[Module]) -> None:
    """log_pii counts as logging for rule D only because it calls do_log_pii_access for every value."""
    (actions,) = [m for m in modules if m.path == "tiaojie/documents/actions.py"]
    (log_pii,) = [n for name, n in units(actions.tree) if name == "log_pii"]
    assert any(isinstance(n, ast.Call) and call_name(n) == "do_log_pii_access" for n in ast.walk(log_pii))


@pytest.mark.parametrize(
    "source",
    [
        "def v(request, worker):\n    return HttpResponse(worker.reveal('phone'))\n",
        "def v(request, call):\n    return JsonResponse({'phone': call.reveal_caller_phone()})\n",
        "def v(request, w):\n    return crypto.decrypt(w.id_number_encrypted)\n",
        "class V:\n    def get(self, request, w):\n        return w.reveal('id_number')\n",
        "def v(request, w):\n    def helper():\n        return w.reveal('phone')\n    return helper()\n",
        "PHONE = worker.reveal('phone')\n",
    ],
)
def test_rule_d_catches(source: str) -> None:
    assert check_pii_reveals(snippet(source)), source


def test_rule_d_catches_unlogged_document_content() -> None:
    source = "def preview(request, case):\n    content = kinds.build(case, 'x', '')\n    return render(content)\n"
    assert check_pii_reveals(snippet(source))
    returned = "def pages(case):\n    content = kinds.build(case, 'x', '')\n    return 1, list(content.pii)\n"
    assert check_pii_reveals(snippet(returned)) == []


def test_rule_d_accepts_a_logged_reveal() -> None:
    logged = (
        "def v(request, w):\n"
        "    value = w.reveal('phone')\n"
        "    do_log_pii_access(user=request.user, record_type='cases.worker', record_id=w.pk, field='phone',"
        " request=request)\n"
        "    return value\n"
    )
    assert check_pii_reveals(snippet(logged)) == []
    nested = (
        "def h(w):\n"
        "    def reveal(v):\n"
        "        log_pii(None, [], '', None)\n"
        "        return v\n"
        "    return reveal(w.reveal('phone'))\n"
    )
    assert check_pii_reveals(snippet(nested)) == []
    recorded = (
        "def fields(w, content):\n"
        "    content.pii.append(('cases.worker', w.pk, 'phone'))\n"
        "    return w.reveal('phone')\n"
    )
    assert check_pii_reveals(snippet(recorded)) == []


# --- rule E: an SMS leaves only through the stored-notification outbox -------------------------------------

# The gateway call (tiaojie.lib.sms.send_sms) and the backend setting behind it. Everything else queues a
# Notification with notifications.actions.do_queue_sms, so a gateway failure is retried by the task worker
# instead of failing the request after its write was saved (docs/notifications.md, "SMS outbox").
SMS_SENDING = {"send_sms", "SMS_BACKEND"}

SMS_ALLOWED: dict[tuple[str, str], str] = {
    ("tiaojie/notifications/channels.py", "SmsChannel.send"): "the SMS channel: delivers one claimed notification",
    ("tiaojie/lib/sms.py", "send_sms"): "the primitive itself: loads SMS_BACKEND",
}


def check_sms_sends(modules: list[Module]) -> list[Finding]:
    """Rule E. A finding is any use of `send_sms` or `SMS_BACKEND` outside the sanctioned places: a call
    (`send_sms(...)`, `sms.send_sms(...)`), a reference handed on (`on_commit(lambda: send_sms(...))`,
    `partial(send_sms, ...)`), a name imported under an alias (`from tiaojie.lib.sms import send_sms as s`),
    the string in `getattr(sms, "send_sms")`, and `settings.SMS_BACKEND` (building the backend by hand).
    Imports alone are not findings (ruff removes unused ones); settings.py, which defines the setting, is not
    read for SMS_BACKEND."""
    findings = []
    for module in modules:
        aliases = {local for local, name in import_aliases(module.tree).items() if name in SMS_SENDING}
        for node, unit in scoped(module.tree):
            used = ""
            if isinstance(node, ast.Name) and (node.id in SMS_SENDING or node.id in aliases):
                used = node.id
            elif isinstance(node, ast.Attribute) and node.attr in SMS_SENDING:
                used = node.attr
            elif isinstance(node, ast.Constant) and node.value in SMS_SENDING:
                used = str(node.value)
            if not used or (used == "SMS_BACKEND" and module.path == "tiaojie/settings.py"):
                continue
            message = f"{used} outside the SMS channel: queue the message with notifications.actions.do_queue_sms"
            findings.append(Finding(module.path, node.lineno, unit, message))  # type: ignore[attr-defined]
    return findings


def test_sms_is_sent_only_by_the_notification_channel(modules: list[Module]) -> None:
    assert_no_findings(check_sms_sends(modules), SMS_ALLOWED, "rule E (SMS outbox)")


@pytest.mark.parametrize(
    "source",
    [
        "def a(phone, text):\n    send_sms(phone, text)\n",
        "def a(phone, text):\n    transaction.on_commit(lambda: send_sms(phone, text))\n",
        "def a(phone, text):\n    sms.send_sms(phone, text)\n",
        "def a(phone, text):\n    transaction.on_commit(partial(send_sms, phone, text))\n",
        "from tiaojie.lib.sms import send_sms as text_message\n\ndef a(p, t):\n    text_message(p, t)\n",
        "def a(p, t):\n    getattr(sms, 'send_sms')(p, t)\n",
        "def a(p, t):\n    import_string(settings.SMS_BACKEND)().send(p, t)\n",
        "class V:\n    def post(self, request):\n        send_sms(request.POST['p'], 'hi')\n",
    ],
)
def test_rule_e_catches(source: str) -> None:
    assert check_sms_sends(snippet(source, "tiaojie/example/actions.py")), source


def test_rule_e_leaves_alone() -> None:
    source = (
        "def a(case, phone, text):\n"
        "    do_queue_sms(phone=phone, text=text, template_key='notice', case=case)\n"
        "    return sms_sent_at, case.sms_to\n"
    )
    assert check_sms_sends(snippet(source, "tiaojie/example/actions.py")) == []
    assert check_sms_sends(snippet("SMS_BACKEND = env_str('SMS_BACKEND', 'x')\n", "tiaojie/settings.py")) == []


# --- the walk itself --------------------------------------------------------------------------------------


def test_the_walk_reads_the_product_and_skips_tests(modules: list[Module]) -> None:
    paths = {m.path for m in modules}
    assert {"tiaojie/cases/actions.py", "tiaojie/cases/views.py", "tiaojie/mediation/views.py"} <= paths
    assert not any("/tests/" in p or "/migrations/" in p or p.rsplit("/", 1)[-1].startswith("test_") for p in paths)
    (actions,) = [m for m in modules if m.path == "tiaojie/cases/actions.py"]
    assert {"do_transition_case", "record_case_event"} <= {name for name, _ in units(actions.tree)}
