"""The package's layers import downwards only: tools -> apis -> models/datasets/evaluation -> utils.

Read from the source with :mod:`ast` (every ``import`` and ``from`` statement, also those inside
functions, relative ones resolved), so nothing is imported to check it.
"""
import ast
import os
import os.path as osp

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PACKAGE = osp.join(ROOT, 'mmstvsr')

#: What each subpackage of mmstvsr may import of mmstvsr. ``mmstvsr/__init__.py`` imports them all
#: to register their modules and is not a layer. Engine hooks plug into MMEngine's Runner and are
#: nobody's helpers: what apis and tools share with them lives in utils.
ALLOWED = {
    'utils': {'utils'},
    'models': {'models', 'utils'},
    'datasets': {'datasets', 'utils'},
    'evaluation': {'evaluation', 'utils'},
    'engine': {'engine', 'utils'},
    'apis': {'apis', 'models', 'datasets', 'evaluation', 'utils'},
}
#: Inside models: editors -> base_models -> archs; losses stand apart.
MODELS_ALLOWED = {
    'archs': {'archs'},
    'base_models': {'base_models', 'archs'},
    'editors': {'editors', 'base_models', 'archs'},
    'losses': {'losses'},
}
#: The ITU-R BT.601 luma weights of MATLAB ``rgb2ycbcr``, defined once, in utils/colour.py.
BT601_LUMA = (65.481, 128.553, 24.966)


def _python_files(folder):
    for dirpath, _, filenames in os.walk(folder):
        for filename in sorted(filenames):
            if filename.endswith('.py'):
                yield osp.join(dirpath, filename)


def _module_name(path):
    parts = osp.relpath(path, ROOT)[:-len('.py')].split(os.sep)
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def _imports(path):
    """``(line, module, names)`` of every import in a file; relative ones made absolute."""
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    package = _module_name(path)
    if not path.endswith('__init__.py'):
        package = package.rpartition('.')[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ''
            if node.level:
                base = package.split('.')[:len(package.split('.')) - node.level + 1]
                module = '.'.join(base + ([module] if module else []))
            names = tuple(alias.name for alias in node.names)
            if module == 'mmstvsr':  # ``from mmstvsr import models``: the subpackages named
                for name in names:
                    yield node.lineno, f'mmstvsr.{name}', ()
            else:
                yield node.lineno, module, names


def _layer(module, level=1):
    parts = module.split('.')
    return parts[level] if len(parts) > level else None


def _package_imports():
    """``(where, importer, imported)`` of every import of mmstvsr inside mmstvsr."""
    for path in _python_files(PACKAGE):
        importer = _module_name(path)
        if importer in ('mmstvsr', 'mmstvsr.version'):
            continue
        for line, module, _ in _imports(path):
            if module == 'mmstvsr' or module.startswith('mmstvsr.'):
                yield f'{osp.relpath(path, ROOT)}:{line}', importer, module


def test_subpackages_import_only_lower_layers():
    wrong = []
    for where, importer, module in _package_imports():
        layer = _layer(importer)
        if _layer(module) not in ALLOWED[layer]:
            wrong.append(f'{where}: {layer} imports {module}')
    assert not wrong, 'upward or sideways imports:\n' + '\n'.join(wrong)


def test_models_parts_import_only_lower_parts():
    wrong = []
    for where, importer, module in _package_imports():
        if _layer(importer) != 'models' or _layer(importer, 2) is None:
            continue
        part = _layer(importer, 2)
        if _layer(module) == 'models' and _layer(module, 2) not in MODELS_ALLOWED[part]:
            wrong.append(f'{where}: models.{part} imports {module}')
    assert not wrong, 'upward or sideways imports inside models:\n' + '\n'.join(wrong)


def test_the_library_has_no_command_line():
    """Argument parsing belongs to tools/ (e.g. tools/_launch.py, the converters' helpers)."""
    wrong = [
        f'{osp.relpath(path, ROOT)}:{line}' for path in _python_files(PACKAGE)
        for line, module, _ in _imports(path) if module == 'argparse'
    ]
    assert not wrong, 'argparse imported in mmstvsr: ' + ', '.join(wrong)


def test_tools_do_not_reach_into_engine_hooks():
    """Tools may catch the errors of ``mmstvsr.engine`` (training's), never import a hook."""
    wrong = []
    for path in _python_files(osp.join(ROOT, 'tools')):
        tool = osp.relpath(path, osp.join(ROOT, 'tools'))
        for line, module, names in _imports(path):
            if module.startswith('mmstvsr.engine.') or (module == 'mmstvsr.engine' and any(
                    not n.endswith('Error') for n in names)):
                wrong.append(f'tools/{tool}:{line}: {module} {names}')
    assert not wrong, 'tools import engine hooks (take shared helpers from utils):\n' + '\n'.join(
        wrong)


def test_bt601_coefficients_are_defined_once():
    found = []
    for path in _python_files(PACKAGE):
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read(), path)
        found += [
            f'{osp.relpath(path, ROOT)}:{node.lineno}' for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, float)
            and node.value in BT601_LUMA
        ]
    assert found and all(f.startswith('mmstvsr/utils/colour.py:') for f in found), found
