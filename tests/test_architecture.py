"""The layout's import rules (docs/architecture.md), read from the source with ast.

Imports run one way: patients -> routines -> clinic. Only the wiring (the project's URL map,
the API router, the seed commands and the benchmark) may import every app. No two modules
import each other, and no two feature packages depend on each other, however indirectly.
Function-level imports count like the ones at the top: a cycle hidden in a function is
still a cycle.
"""

import ast
import itertools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("clinic", "patients", "routines")
# The wiring: these may import every app.
WIRING = (
    "clinic.urls",
    "clinic.api.router",
    "clinic.management.commands.seed_*",
    "clinic.benchmark",
    "clinic.benchmark.*",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "gunicorn.conf.py"
    }


MODULES = _modules()
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def _resolve(name: str) -> str | None:
    """The project module an import names (a module, or the package holding a name)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    """Every project module `module` imports, wherever in the file the import stands."""
    path = MODULES[module]
    package = module if module in PACKAGES else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target)
            if resolved and resolved != module:
                found.add(resolved)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _app(module: str) -> str:
    return module.split(".")[0]


def _is_wiring(module: str) -> bool:
    return any(
        module == rule or (rule.endswith("*") and module.startswith(rule[:-1])) for rule in WIRING
    )


def _unit(module: str) -> str:
    """The feature package a module belongs to (patients.sessions; clinic.api holds
    clinic.api.tokens) or, for a module straight in an app (patients.models,
    clinic.middleware), the module itself."""
    parts = module.split(".")
    if module in PACKAGES or len(parts) > 2:
        return ".".join(parts[:2])
    return module


def test_architecture_reads_every_module():
    assert {"clinic.urls", "patients.sessions.services", "routines.builder.views"} <= set(GRAPH)
    assert "patients.models" in GRAPH["patients.sessions.services"]
    # A function-level import is seen too.
    assert "clinic.accounts.signin" in GRAPH["clinic.apps"]


def test_clinic_imports_no_other_app_outside_the_wiring():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _app(module) == "clinic" and not _is_wiring(module)
        for target in targets
        if _app(target) != "clinic"
    )
    assert not wrong, "clinic may not import patients or routines:\n" + "\n".join(wrong)


def test_routines_never_imports_patients():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _app(module) == "routines"
        for target in targets
        if _app(target) == "patients"
    )
    assert not wrong, "routines may not import patients:\n" + "\n".join(wrong)


def test_no_two_modules_import_each_other():
    pairs = sorted(
        f"{a} <-> {b}"
        for a, b in itertools.combinations(sorted(GRAPH), 2)
        if b in GRAPH[a] and a in GRAPH[b]
    )
    assert not pairs, "modules importing each other:\n" + "\n".join(pairs)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = itertools.count()

    def visit(node: str) -> None:
        index[node] = low[node] = next(counter)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_cycle_between_feature_packages():
    units: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        if _is_wiring(module):
            continue
        source = _unit(module)
        units.setdefault(source, set()).update(
            _unit(target) for target in targets if _unit(target) != source
        )
    assert _cycles(units) == []


@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
    ],
)
def test_cycle_finder_finds_cycles(graph, cycles):
    assert _cycles(graph) == cycles
