"""The domain apps depend one way, and the shared mechanisms depend on none of them.

Each app may import only the apps before it in `ORDER`; the higher apps hear about what the
lower ones do through the signals those announce, never by being imported from below. The rule
is read from the source with `ast`, so an import hidden in a function, a relative import, an
`importlib.import_module("alliance.x")` or a model named by its label ("alerts.Alert") counts
as much as an import at the top of a module.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ORDER = [
    "care",
    "notes",
    "journal",
    "goals",
    "homework",
    "measures",
    "alerts",
    "reports",
    "interop",
]
RANK = {app: position for position, app in enumerate(ORDER)}

# Mechanisms several apps share: they may know who the client is (care), nothing higher.
SHARED = ["errors.py", "schemas.py", "psychometrics", "agreement", "crypto.py", "audit"]
SHARED_MAY_IMPORT = {"care"}

# Django's calls that name a model by its "app_label.Model" string.
MODEL_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, target] if target else base)


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _string_args(call: ast.Call) -> list[str]:
    args = [*call.args, *(keyword.value for keyword in call.keywords if keyword.arg == "to")]
    return [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def imports_in(source: str, module: str = "", is_package: bool = False) -> list[tuple[int, str]]:
    """Every `alliance.…` module the source refers to, with the line that does it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = resolve_relative(module, is_package, node.level, node.module)
            else:
                base = node.module or ""
            if node.module is None or base == "alliance":
                # `from alliance import goals` or `from .. import goals`: each name may be a module.
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, base))
        elif isinstance(node, ast.Call):
            name, strings = _called_name(node), _string_args(node)
            if name in {"import_module", "__import__"} and strings:
                found.append((node.lineno, strings[0]))
            elif name == "get_model" and strings:
                # apps.get_model("goals", "Goal") or apps.get_model("goals.Goal")
                found.append((node.lineno, "alliance." + strings[0].split(".")[0]))
            elif name in MODEL_FIELDS and strings and "." in strings[0]:
                found.append((node.lineno, "alliance." + strings[0].split(".")[0]))
    return [(line, target) for line, target in found if target.split(".")[0] == "alliance"]


def domain_app(target: str) -> str | None:
    parts = target.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


def sources(folder: Path):
    paths = [folder] if folder.is_file() else sorted(folder.rglob("*.py"))
    for path in paths:
        inside = path.relative_to(folder).parts if folder.is_dir() else ()
        if "tests" in inside or "migrations" in inside:
            continue
        yield path


def app_imports(folder: Path):
    """(file:line, imported app) for each reference from `folder` to a domain app."""
    for path in sources(folder):
        module = module_name(path)
        for line, target in imports_in(path.read_text(), module, path.name == "__init__.py"):
            app = domain_app(target)
            if app is not None:
                yield f"{path.relative_to(ROOT.parent)}:{line}", target, app


def graph():
    """app → {imported app: [where, …]} over the domain apps, self-imports left out."""
    edges = defaultdict(lambda: defaultdict(list))
    for app in ORDER:
        for where, _, imported in app_imports(ROOT / app):
            if imported != app:
                edges[app][imported].append(where)
    return edges


def reachable(edges, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), {}):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def circles(edges) -> list[list[str]]:
    """Each group of apps that reach one another through imports, in `ORDER`."""
    reach = {app: reachable(edges, app) for app in ORDER}
    groups = []
    for app in ORDER:
        group = [other for other in ORDER if other in reach[app] and app in reach[other]]
        if group and group not in groups:
            groups.append(group)
    return groups


# --- The detector finds what it is meant to, so the rules below cannot pass by seeing nothing.

SYNTHETIC = """
import importlib
from django.apps import apps
from alliance import journal
from alliance.care.models import Client
from . import forms
from ..alerts import services as alert_services
from .. import reports


def later():
    from alliance.measures.services import record  # inside a function
    import alliance.interop.export
    importlib.import_module("alliance.notes.models")
    apps.get_model("goals", "Goal")
    apps.get_model("homework.Task")


class Thing:
    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    def method(self):
        import alliance.care.sessions
"""


def test_its_detector_finds_imports_wherever_they_hide():
    found = imports_in(SYNTHETIC, "alliance.goals.services")
    assert (12, "alliance.measures.services") in found, "a function-level import"
    assert (22, "alliance.care.sessions") in found, "an import inside a method"
    assert (4, "alliance.journal") in found, "`from alliance import app`"
    assert (6, "alliance.goals.forms") in found, "`from . import module`"
    assert (7, "alliance.alerts") in found, "a relative import from a sibling app"
    assert (8, "alliance.reports") in found, "`from .. import app`"
    assert (14, "alliance.notes.models") in found, "importlib.import_module"
    assert (16, "alliance.homework") in found, "apps.get_model with a dotted label"
    assert (20, "alliance.accounts") in found, "a model field naming its model by label"
    assert {domain_app(target) for _, target in found} == {None, *ORDER}


def test_its_detector_resolves_relative_imports_inside_a_package():
    found = imports_in(
        "from .models import Goal\nfrom ..care import models", "alliance.goals", True
    )
    assert found == [(1, "alliance.goals.models"), (2, "alliance.care")]


def test_its_detector_finds_every_circle():
    edges = {
        "care": {"goals": []},
        "goals": {"alerts": []},
        "alerts": {"care": []},
        "homework": {"measures": [], "care": []},
        "measures": {"homework": []},
        "reports": {"alerts": []},
    }
    assert circles(edges) == [["care", "goals", "alerts"], ["homework", "measures"]]
    assert circles({"goals": {"care": []}, "alerts": {"goals": [], "care": []}}) == []


def test_it_reads_every_domain_app():
    # Each app above care uses care's models, so a scan that found nothing would show here.
    edges = graph()
    for app in ORDER[1:]:
        assert "care" in edges[app], f"no import of care found in {app}: is the scan reading it?"


# --- The rules.


def test_each_domain_app_imports_only_the_apps_before_it():
    offending = [
        f"{where} imports {target}"
        for app in ORDER
        for where, target, imported in app_imports(ROOT / app)
        if RANK[imported] > RANK[app]
    ]
    assert not offending, (
        f"Order is {' → '.join(ORDER)}; an app may import only the apps before it. "
        "A lower app announces a signal instead:\n  " + "\n  ".join(offending)
    )


def test_no_domain_apps_depend_on_each_other_in_a_circle():
    edges = graph()
    found = [
        " ↔ ".join(group)
        + "".join(
            f"\n    {a} → {b}: {', '.join(edges[a][b])}"
            for a in group
            for b in group
            if b in edges[a]
        )
        for group in circles(edges)
    ]
    assert not found, "domain apps import each other in a circle:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("shared", SHARED)
def test_shared_mechanisms_import_no_domain_app_but_care(shared):
    folder = ROOT / shared
    if not folder.exists():
        pytest.skip(f"alliance/{shared} does not exist (yet)")
    offending = [
        f"{where} imports {target}"
        for where, target, imported in app_imports(folder)
        if imported not in SHARED_MAY_IMPORT
    ]
    assert not offending, "\n  ".join(["shared code reaches into domain apps:", *offending])


def test_psychometrics_imports_nothing_else_of_alliance():
    # It runs without Django (held at run time by psychometrics/tests/test_cli.py), so not even
    # care; this catches the import a function makes only when it is called.
    offending = [
        f"{path.relative_to(ROOT.parent)}:{line} imports {target}"
        for path in sources(ROOT / "psychometrics")
        for line, target in imports_in(
            path.read_text(), module_name(path), path.name == "__init__.py"
        )
        if not target.startswith("alliance.psychometrics")
    ]
    assert not offending, "\n  ".join(offending)
