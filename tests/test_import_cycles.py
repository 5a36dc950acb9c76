"""No two modules of the package import each other, directly or round a longer loop, even from
inside a function: each import points one way, so each module can be read (and tested) after
the ones it uses."""
import ast
import re

from conftest import ROOT

PACKAGE = ROOT / 'microgpt'


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imports_of(path, modules):
    "The package's modules that the file at `path` imports, anywhere in it."
    name = module_name(path)
    package = name if path.name == '__init__.py' else name.rpartition('.')[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit('.', node.level - 1)[0] if node.level else ''
            module = '.'.join(filter(None, [base, node.module]))
            # `from . import x` and `from .m import f`: x may be a module, f is a name in m
            targets = [module] + [f'{module}.{alias.name}' for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in modules and t != name}
    return found


def find_cycle(graph):
    "A list of modules each importing the next and the last the first, or None."
    done, path = set(), []

    def visit(node):
        if node in path:
            return path[path.index(node):] + [node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph[node]):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    return next(filter(None, map(visit, sorted(graph))), None)


def test_find_cycle_finds_a_loop_and_only_a_loop():
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == ['a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b', 'c'}, 'b': {'c'}, 'c': set()}) is None


def test_the_package_has_no_import_cycle():
    paths = sorted(PACKAGE.rglob('*.py'))
    modules = {module_name(p) for p in paths}
    graph = {module_name(p): imports_of(p, modules) for p in paths}
    # the package's __init__ is imported on the way to any of its modules: not an edge worth a cycle
    graph = {m: {t for t in targets if t != 'microgpt'} for m, targets in graph.items()}
    assert len(graph) > 10 and any(graph.values()), 'the package was not found or not parsed'
    cycle = find_cycle(graph)
    assert cycle is None, 'modules import each other: ' + ' -> '.join(cycle)


def test_what_the_chapters_build_never_imports_the_course_helpers():
    """The layers of ARCHITECTURE.md: the modules the chapters build (microgpt/*.py) use each other
    and the standard library; the helpers (microgpt/helpers/) use them, never the other way."""
    paths = sorted(PACKAGE.rglob('*.py'))
    modules = {module_name(p) for p in paths}
    core = [p for p in PACKAGE.glob('*.py') if p.name not in ('__init__.py', '__main__.py')]
    assert len(core) >= 11, 'the chapters\' modules were not found'
    upward = {module_name(p): sorted(t for t in imports_of(p, modules) if t.startswith('microgpt.helpers'))
              for p in core}
    upward = {m: targets for m, targets in upward.items() if targets}
    assert not upward, f'a chapter\'s module imports a course helper: {upward}'


def test_architecture_md_lists_the_imports_the_code_has():
    "ARCHITECTURE.md's 'Who imports whom' is the chapters' modules' import graph, as the code has it."
    text = (ROOT / 'ARCHITECTURE.md').read_text(encoding='utf-8').split('## Who imports whom', 1)[1]
    listed = {}
    for name, targets in re.findall(r'^- `(\w+)`: (.+)$', text, flags=re.MULTILINE):
        listed[name] = set() if targets.strip() == 'none' else set(re.findall(r'`(\w+)`', targets))
    paths = sorted(PACKAGE.rglob('*.py'))
    modules = {module_name(p) for p in paths}
    actual = {p.stem: {t.removeprefix('microgpt.') for t in imports_of(p, modules) if t != 'microgpt'}
              for p in PACKAGE.glob('*.py') if p.name not in ('__init__.py', '__main__.py')}
    assert listed == actual, f'ARCHITECTURE.md lists {listed}, the code has {actual}'
