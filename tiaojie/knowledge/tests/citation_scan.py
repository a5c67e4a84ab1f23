"""Every 《title》第N条 the code can show: the strings of tiaojie's Python modules (rules tables, the calculators'
bases, reference data, migrations' data) and its templates, with the f-strings and msg(…, name=VALUE)
calls of the calculators put together from the module's constants (`f"{LCL}第四十七条"` is
"《劳动合同法》第四十七条"). Docstrings are left out (no page shows them), and so are the tests (their
citations are made up on purpose: 《某省未收录条例》).

Pure Python (ast), no Django: test_citations_resolve.py resolves what this finds.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tiaojie.lib.citations import Citation, find_citations, is_unverified

ROOT = Path(__file__).resolve().parents[2]  # tiaojie/
_SKIP_PARTS = {"tests", "locale", "__pycache__"}


@dataclass(frozen=True)
class Found:
    path: str  # relative to the repository
    line: int
    string: str
    citation: Citation

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.citation.label} in {self.string!r}"


def _sources(suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(
        p for p in ROOT.rglob("*") if p.suffix in suffixes and not _SKIP_PARTS & set(p.relative_to(ROOT).parts)
    )


class _Module:
    """One module's constants (NAME = "…" at module level, and names imported from other tiaojie modules)."""

    _cache: dict[Path, _Module] = {}

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.env: dict[str, str] = {}
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tiaojie."):
                target = ROOT.parent / Path(*node.module.split("."))
                module_path = target.with_suffix(".py") if target.with_suffix(".py").is_file() else None
                if module_path is not None and module_path != path:
                    other = _Module.of(module_path)
                    for alias in node.names:
                        if alias.name in other.env:
                            self.env[alias.asname or alias.name] = other.env[alias.name]
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            for target in targets:
                if isinstance(target, ast.Name) and (text := self.value(value)) is not None:
                    self.env[target.id] = text

    @classmethod
    def of(cls, path: Path) -> _Module:
        if path not in cls._cache:
            cls._cache[path] = cls(path)
        return cls._cache[path]

    def value(self, node: ast.AST) -> str | None:
        """The string `node` evaluates to, as far as constants tell; '{?}' for a part they do not."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        if isinstance(node, ast.JoinedStr):
            parts = []
            for part in node.values:
                if isinstance(part, ast.FormattedValue):
                    parts.append(self.value(part.value) or "{?}")
                else:
                    parts.append(self.value(part) or "")
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left), self.value(node.right)
            return None if left is None and right is None else (left or "{?}") + (right or "{?}")
        if isinstance(node, ast.Call) and node.args:
            template = self.value(node.args[0])
            if template is None:
                return None
            for keyword in node.keywords:  # msg("…{measures}…", measures=MEASURES_1994)
                if keyword.arg and (text := self.value(keyword.value)) is not None:
                    template = template.replace("{" + keyword.arg + "}", text)
            return template
        return None

    def strings(self) -> list[tuple[int, str]]:
        docstrings = {
            id(body[0].value)
            for node in ast.walk(self.tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and (body := node.body)
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        }
        found = []
        inside: set[int] = set()  # the parts of a string already read as a whole
        for node in ast.walk(self.tree):
            if id(node) in docstrings or id(node) in inside:
                continue
            if isinstance(node, (ast.JoinedStr, ast.Call, ast.BinOp)) or (
                isinstance(node, ast.Constant) and isinstance(node.value, str)
            ):
                text = self.value(node)
                if text is not None and "第" in text:
                    found.append((getattr(node, "lineno", 0), text))
                    inside.update(id(child) for child in ast.walk(node) if child is not node)
        return found


def collect() -> list[Found]:
    """Every citation in the code that is not marked unverified, once per place."""
    found: dict[tuple[str, int, str], Found] = {}
    texts: list[tuple[str, int, str]] = []
    for path in _sources((".py",)):
        relative = str(path.relative_to(ROOT.parent))
        texts.extend((relative, line, text) for line, text in _Module.of(path).strings())
    for path in _sources((".html", ".txt")):
        relative = str(path.relative_to(ROOT.parent))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            texts.append((relative, number, line))
    for relative, line, text in texts:
        if is_unverified(text):
            continue
        for citation in find_citations(text):
            key = (relative, line, citation.label)
            found.setdefault(key, Found(relative, line, text, citation))
    return list(found.values())
