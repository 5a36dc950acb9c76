"""The core a learner reads end to end imports nothing but the standard library and itself."""
import ast
import sys

import pytest

from conftest import ROOT

CORE = ['derivatives', 'autograd', 'tokenizer', 'embeddings', 'attention', 'model', 'optim', 'floats', 'sample', 'inside']


@pytest.mark.parametrize('module', CORE)
def test_core_module_imports_only_the_standard_library(module):
    tree = ast.parse((ROOT / 'microgpt' / f'{module}.py').read_text(encoding='utf-8'))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split('.')[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split('.')[0])
    outside = sorted(name for name in imported if name not in sys.stdlib_module_names)
    assert not outside, f'microgpt/{module}.py imports {outside}: the core must stay standard-library Python'
