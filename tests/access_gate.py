"""The gate of the access-check mutation proof (``tests/access_mutants.py``): loaded with
``-p tests.access_gate`` so that it is in place before Django imports any namhoc module.

Every call to an access check — a public function of an app's ``access.py`` whose first parameter
is the acting person (``access_unit``, ``scope_queryset``, ``visible_directives``, ``has_role``,
``require_role``, every ``*_refusal`` and ``can_*``…) — is a *call site*, found with ``ast``.
An import hook compiles each namhoc module that has sites with every such call wrapped in
``_access_gate(site, function, args, kwargs)``: the gate records that the site was reached and,
for the one site whose check is being removed, asks the check as if the person were a superuser
(who passes every check). The removal reaches all the way down: while the removed check runs,
every check it calls in turn is asked as a superuser too (``access_notice`` asks ``notices_of``;
removing only the outer call would leave the inner one refusing, and the removal would prove
nothing). ``notices_of`` answers "one's own" even to superusers: removed, it answers every
notice. Nothing is written to disk (no bytecode cache for the wrapped modules).
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "namhoc"
GATE = "_access_gate"
ACTOR_PARAMS = ("actor", "viewer", "user")
# Building blocks the checks are made of, not checks: their callers are the sites.
NOT_CHECKS = frozenset({"is_staff_superuser", "member_paths", "roles_at", "is_erased"})


# --- the sites ---------------------------------------------------------------------------------


def _source_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts or parts[0] == "ingest":
            continue
        name = ".".join(("namhoc", *path.relative_to(SRC).with_suffix("").parts))
        yield name.removesuffix(".__init__"), path


def access_checks() -> frozenset[str]:
    """The names of the access checks: public functions of every ``access.py`` whose first
    parameter is the acting person."""
    names: set[str] = set()
    for _, path in _source_modules():
        if path.name != "access.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                args = node.args.posonlyargs + node.args.args
                if args and args[0].arg in ACTOR_PARAMS and node.name not in NOT_CHECKS:
                    names.add(node.name)
    return frozenset(names)


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


@dataclass(frozen=True)
class Site:
    module: str
    line: int
    column: int
    function: str  # the check called
    within: str  # the function the call is in

    @property
    def id(self) -> str:
        return f"{self.module}:{self.line}:{self.column} {self.function}"


def _enclosing(tree: ast.Module) -> dict[int, str]:
    """id(call node) -> the name of the innermost function containing it."""
    found: dict[int, str] = {}

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = where
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Call):
                found[id(child)] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return found


def find_sites() -> list[Site]:
    checks = access_checks()
    sites: list[Site] = []
    for module, path in _source_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        within = _enclosing(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called_name(node) in checks:
                has_actor = bool(node.args) or any(k.arg in ACTOR_PARAMS for k in node.keywords)
                if has_actor:
                    sites.append(
                        Site(
                            module,
                            node.lineno,
                            node.col_offset,
                            _called_name(node) or "",
                            within.get(id(node), "<module>"),
                        )
                    )
    return sorted(sites, key=lambda s: (s.module, s.line, s.column))


# --- the gate: the wrapped calls ---------------------------------------------------------------


@dataclass
class GateState:
    removed: str | None = None  # the site id whose check is removed
    reached: set[str] = field(default_factory=set)
    lifting: int = 0  # > 0 while the removed check runs: the checks it calls are lifted too


STATE = GateState()
_SUPERUSER: Any = None


def _superuser() -> Any:
    """A superuser who is no one (an unsaved user with an id no row has)."""
    global _SUPERUSER  # noqa: PLW0603 - one per process
    if _SUPERUSER is None:
        from namhoc.accounts.models import User

        _SUPERUSER = User(
            pk=2_000_000_000,
            username="mutant",
            is_superuser=True,
            is_staff=True,
            is_active=True,
        )
    return _SUPERUSER


def _without_check(
    function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    if function.__name__ == "notices_of":  # one's own even for superusers: every notice instead
        from namhoc.notifications.models import Notice

        return Notice.objects.all()
    for name in ACTOR_PARAMS:
        if name in kwargs:
            return function(*args, **{**kwargs, name: _superuser()})
    return function(_superuser(), *args[1:], **kwargs)


def gate(
    site: str, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    STATE.reached.add(site)
    if STATE.removed == site or STATE.lifting:
        STATE.lifting += 1
        try:
            return _without_check(function, args, kwargs)
        finally:
            STATE.lifting -= 1
    return function(*args, **kwargs)


class _Wrap(ast.NodeTransformer):
    def __init__(self, module: str, sites: dict[tuple[int, int], Site]) -> None:
        self.module = module
        self.sites = sites

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        site = self.sites.get((node.lineno, node.col_offset))
        if site is None or _called_name(node) != site.function:
            return node
        keys: list[ast.expr | None] = [
            ast.Constant(k.arg) if k.arg is not None else None for k in node.keywords
        ]
        wrapped = ast.Call(
            func=ast.Name(GATE, ast.Load()),
            args=[
                ast.Constant(site.id),
                node.func,
                ast.Tuple(node.args, ast.Load()),
                ast.Dict(keys=keys, values=[k.value for k in node.keywords]),
            ],
            keywords=[],
        )
        return ast.copy_location(wrapped, node)


class _Loader(importlib.machinery.SourceFileLoader):
    sites: dict[str, dict[tuple[int, int], Site]] = {}

    def get_code(self, fullname: str) -> Any:
        """Compiled from the source, wrapped, every time: never from or into the bytecode
        cache (a cached wrapped module would break ordinary runs)."""
        source = self.get_data(self.path)
        tree = ast.parse(source, filename=self.path)
        tree = _Wrap(fullname, self.sites.get(fullname, {})).visit(tree)
        ast.fix_missing_locations(tree)
        return compile(tree, self.path, "exec", dont_inherit=True)

    def exec_module(self, module: ModuleType) -> None:
        module.__dict__[GATE] = gate
        super().exec_module(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in _Loader.sites:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None:
            return None
        loader = _Loader(fullname, spec.origin)
        return importlib.util.spec_from_file_location(
            fullname,
            spec.origin,
            loader=loader,
            submodule_search_locations=spec.submodule_search_locations,
        )


def install() -> list[Site]:
    """Wrap every site's call in the modules imported from now on (before Django starts)."""
    sites = find_sites()
    by_module: dict[str, dict[tuple[int, int], Site]] = {}
    for site in sites:
        by_module.setdefault(site.module, {})[(site.line, site.column)] = site
    _Loader.sites = by_module
    early = [name for name in by_module if name in sys.modules]
    assert not early, f"imported before the gate was installed: {early}"
    sys.meta_path.insert(0, _Finder())
    return sites


def unwrapped_modules() -> list[str]:
    """The modules with sites that are not loaded through the gate (imported first if they were
    not yet: the URLconf does not reach every one of them)."""
    for name in _Loader.sites:
        importlib.import_module(name)
    return [
        name
        for name in _Loader.sites
        if not isinstance(getattr(sys.modules[name], "__loader__", None), _Loader)
    ]


# ``-p tests.access_gate``: the gate goes in as pytest starts, before Django imports anything.
SITES: list[Site] = install() if os.environ.get("ACCESS_MUTANTS_GATE") != "0" else []
