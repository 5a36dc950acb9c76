"""Other machines, simulated: the chapters a setting can reach must pass nbval under that setting.

A learner's machine is not the one that stored the outputs: another BLAS kernel (OpenBLAS picks one
by CPU), fewer SIMD instructions for NumPy to dispatch to, another platform's maths library (libm),
optional packages such as PyTorch installed. Each row runs nbval in a fresh process with the
setting in its environment, which the kernel nbval starts inherits (tests/machines/sitecustomize.py
records every process that took part, and the tests check the kernel did). Before that, each row
checks that its setting takes effect at all: a row that silently tests the same machine twice would
pass whatever the chapters do.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from course import NBVAL

CHAPTERS = ROOT / 'chapters'
SITE = ROOT / 'tests' / 'machines'
# What each kind of setting can reach (the guard test below keeps these lists honest):
# BLAS and SIMD reach what NumPy computes: chapter 10's engine and chapters 11 and 12's training with it.
# Chapter 08 imports NumPy only to draw pictures, and nbval compares no images.
NUMPY_CHAPTERS = ['10_efficiency', '11_scale', '12_practice']
NUMPY_PICTURES_ONLY = ['08_adam']
# libm reaches whatever calls math.exp, math.log and friends, `**` in the package, or random.gauss
# (which uses them): the Value's exp, log, tanh and powers (02), softmax, cross-entropy, initial weights, training and sampling (00,
# 04 to 14). Chapters 01 and 03 call none of them (their kernels changed no result under this row).
LIBM_CHAPTERS = ['00_start_here', '02_autograd', '04_embeddings', '05_loss', '06_attention', '07_mlp',
                 '08_adam', '09_sampling', '10_efficiency', '11_scale', '12_practice',
                 '13_inside', '14_pytorch']
# Chapter 11's optional peer check, and chapter 14, which needs PyTorch (the root conftest.py gives its
# kernel MICROGPT_TORCH_PATH, so it also runs in the rows above, wherever PyTorch is to be had).
TORCH_CHAPTERS = ['11_scale', '14_pytorch']
# Two maths libraries, each moving one result in 20 by one ulp, on different inputs. Under the second,
# chapter 08 once printed a logit difference of 5.4e-20 where this machine printed 0.0e+00 (rounding
# noise, now printed against a threshold): the first subset of inputs alone did not show it.
LIBMS = ['1:0.05', '6:0.05']
# OpenBLAS's names for the kernel it runs. Builds without the oldest kernels report Prescott's as
# Katmai, and some builds run Zen on the Haswell kernel.
BLAS_KERNELS = {'Prescott': {'Prescott', 'Katmai'}, 'Sandybridge': {'Sandybridge'}, 'Haswell': {'Haswell'},
                'Zen': {'Zen', 'Haswell'}, 'SkylakeX': {'SkylakeX'}}
# The torch row is optional: PyTorch is large. MICROGPT_TORCH_PATH names a folder holding it
# (`pip install --target DIR torch`, as .ci/run does); without it the row runs only if torch is installed.
TORCH_PATH = os.environ.get('MICROGPT_TORCH_PATH')


def run_python(code, env):
    result = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True,
                            encoding='utf-8', cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def machine_env(tmp_path, **settings):
    "This environment with one setting changed, and the simulation's sitecustomize logging to tmp_path."
    env = {k: v for k, v in os.environ.items() if not k.startswith('PYTEST_')}
    for key in ('MICROGPT_LIBM', 'MICROGPT_EXTRA_PATH'):
        env.pop(key, None)
    env.update(settings)
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(SITE), os.environ.get('PYTHONPATH')]))
    if tmp_path is not None:
        env['MICROGPT_MACHINES_LOG'] = str(tmp_path)
    return env


def openblas_kernel(env):
    "The kernel OpenBLAS runs in a Python started with env, or None when NumPy's BLAS is another."
    out = run_python('import json, numpy, threadpoolctl; print(json.dumps(threadpoolctl.threadpool_info()))', env)
    kernels = [i.get('architecture') for i in json.loads(out) if i.get('internal_api') == 'openblas']
    return kernels[0] if kernels else None


# NumPy's CPU features: which the CPU has, and which NumPy has loops for beyond its baseline.
FEATURES = ('import json\ntry:\n    from numpy._core import _multiarray_umath as m\n'
            'except ImportError:  # NumPy 1.x\n    from numpy.core import _multiarray_umath as m\n'
            'print(json.dumps([m.__cpu_features__, list(m.__cpu_dispatch__)]))')


def cpu_features(env=None):
    "(every feature: present?, the features NumPy dispatches to), in a Python started with env."
    return json.loads(run_python(FEATURES, env or machine_env(None)))


def kernels_that_took_part(log_dir):
    "(command line, results changed) of every Jupyter kernel that imported the simulation."
    found = []
    for path in Path(log_dir).glob('*.txt'):
        command, changed = path.read_text(encoding='utf-8').rsplit('\nchanged ', 1)
        if 'ipykernel' in command:
            found.append((command, int(changed)))
    return found


def nbval(chapter, env):
    "nbval on one chapter in a fresh process; fails with nbval's own report of what differs."
    cmd = [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-o', 'addopts=', *NBVAL,
           str(CHAPTERS / f'{chapter}.ipynb')]
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, encoding='utf-8',
                            errors='replace')
    if result.returncode:
        report = re.sub(r'\x1b\[[0-9;]*m', '', result.stdout + result.stderr)  # nbval's colours
        pytest.fail(f'{chapter} under this setting:\n{report[-6000:]}', pytrace=False)
    kernels = kernels_that_took_part(env['MICROGPT_MACHINES_LOG'])
    assert kernels, f'the Jupyter kernel did not import {SITE / "sitecustomize.py"}: the setting never reached it'
    return kernels


def in_this_run(request, chapter):
    "True when this test run also runs nbval on the chapter, in this environment as it is."
    return any(item.path.name == f'{chapter}.ipynb' for item in request.session.items)


@pytest.mark.parametrize('chapter', NUMPY_CHAPTERS)
@pytest.mark.parametrize('coretype', BLAS_KERNELS)
def test_blas_kernel(coretype, chapter, tmp_path, request):
    env = machine_env(tmp_path, OPENBLAS_CORETYPE=coretype)
    kernel = openblas_kernel(env)
    if kernel is None:
        pytest.skip("NumPy's BLAS here is not OpenBLAS: OPENBLAS_CORETYPE means nothing to it")
    if coretype == 'SkylakeX' and not cpu_features(env)[0].get('AVX512F'):
        pytest.skip('the SkylakeX kernel needs a CPU with AVX-512')
    assert kernel in BLAS_KERNELS[coretype], f'OPENBLAS_CORETYPE={coretype} runs the {kernel} kernel'
    if kernel != coretype and kernel in BLAS_KERNELS:
        pytest.skip(f'this OpenBLAS runs {coretype} on the {kernel} kernel: the {kernel} row covers it')
    if kernel == openblas_kernel(machine_env(None)) and in_this_run(request, chapter):
        pytest.skip(f"{kernel} is this machine's own kernel: this run's nbval of {chapter} covers it")
    nbval(chapter, env)


@pytest.mark.parametrize('chapter', NUMPY_CHAPTERS)
def test_numpy_without_simd_dispatch(chapter, tmp_path):
    "Only NumPy's baseline instructions (SSE4.2 on x86-64): no AVX2 or AVX-512 loops."
    features, dispatch = cpu_features(machine_env(tmp_path))
    if not any(features.get(name) for name in dispatch):
        pytest.skip('this CPU has nothing beyond NumPy baseline: nothing to turn off')
    env = machine_env(tmp_path, NPY_DISABLE_CPU_FEATURES=' '.join(dispatch))
    features, _ = cpu_features(env)
    left_on = [name for name in dispatch if features.get(name)]
    assert not left_on, f'NPY_DISABLE_CPU_FEATURES={env["NPY_DISABLE_CPU_FEATURES"]} left these on: {left_on}'
    nbval(chapter, env)


@pytest.mark.parametrize('chapter', LIBM_CHAPTERS)
@pytest.mark.parametrize('libm', LIBMS)
def test_another_maths_library(libm, chapter, tmp_path):
    env = machine_env(tmp_path, MICROGPT_LIBM=libm)
    kernels = nbval(chapter, env)
    assert any(changed for _, changed in kernels), f'{chapter} never called a perturbed function: not a libm chapter'


@pytest.mark.parametrize('chapter', TORCH_CHAPTERS)
def test_with_pytorch_installed(chapter, tmp_path, request):
    env = machine_env(tmp_path, **({'MICROGPT_EXTRA_PATH': TORCH_PATH} if TORCH_PATH else {}))
    found = subprocess.run([sys.executable, '-c', 'import torch'], env=env, capture_output=True, cwd=ROOT)
    if found.returncode:
        if TORCH_PATH:
            pytest.fail(f'MICROGPT_TORCH_PATH={TORCH_PATH} holds no working torch:\n{found.stderr.decode()[-2000:]}')
        pytest.skip('optional row, PyTorch is not installed: to run it, `python -m pip install --target DIR '
                    'torch` and set MICROGPT_TORCH_PATH=DIR (.ci/run does, unless MICROGPT_TORCH_ROW=skip)')
    if not TORCH_PATH and in_this_run(request, chapter):
        pytest.skip(f"PyTorch is in this environment: this run's nbval of {chapter} covers it")
    nbval(chapter, env)


@pytest.mark.parametrize('chapter', ['14_pytorch'])
def test_pytorch_without_simd_dispatch(chapter, tmp_path):
    "PyTorch's own CPU kernels at their baseline (ATEN_CPU_CAPABILITY=default): no AVX2 or AVX-512 loops."
    env = machine_env(tmp_path, ATEN_CPU_CAPABILITY='default',
                      **({'MICROGPT_EXTRA_PATH': TORCH_PATH} if TORCH_PATH else {}))
    found = subprocess.run([sys.executable, '-c', 'import torch; print(torch.backends.cpu.get_cpu_capability())'],
                           env=env, capture_output=True, text=True, cwd=ROOT)
    if found.returncode:
        pytest.skip('optional row, PyTorch is not installed (see test_with_pytorch_installed)')
    assert found.stdout.strip() == 'DEFAULT', f'ATEN_CPU_CAPABILITY=default left PyTorch at {found.stdout.strip()}'
    nbval(chapter, env)


# A float64 product whose last bit depends on the code path MKL takes (PyTorch's CPU builds for x86
# multiply matrices with MKL): the probe that a row changed what PyTorch computes.
MKL_PROBE = ('import torch; torch.set_num_threads(1); g = torch.Generator().manual_seed(0)\n'
             'a = torch.randn(64, 48, dtype=torch.float64, generator=g)\n'
             'b = torch.randn(48, 32, dtype=torch.float64, generator=g)\n'
             'print((a @ b).sum().item().hex())')


@pytest.mark.parametrize('chapter', ['14_pytorch'])
def test_pytorch_with_mkls_most_compatible_path(chapter, tmp_path):
    """PyTorch's matrix products through MKL's oldest, most compatible code path (MKL_CBWR=COMPATIBLE),
    as on a CPU without AVX2: other roundings in the last bits, the same printed digits."""
    extra = {'MICROGPT_EXTRA_PATH': TORCH_PATH} if TORCH_PATH else {}
    plain = subprocess.run([sys.executable, '-c', MKL_PROBE], env=machine_env(None, **extra),
                           capture_output=True, text=True, cwd=ROOT)
    if plain.returncode:
        pytest.skip('optional row, PyTorch is not installed (see test_with_pytorch_installed)')
    env = machine_env(tmp_path, MKL_CBWR='COMPATIBLE', **extra)
    if run_python(MKL_PROBE, env) == plain.stdout:
        pytest.skip('MKL_CBWR=COMPATIBLE changes no bit of a product here (no MKL, or a CPU whose '
                    'own path is that one)')
    nbval(chapter, env)


def uses(chapter, pattern):
    nb = nbformat.read(CHAPTERS / f'{chapter}.ipynb', as_version=4)
    return any(re.search(pattern, c.source) for c in nb.cells if c.cell_type == 'code')


def test_every_chapter_that_uses_numpy_or_torch_is_in_a_row():
    chapters = sorted(p.stem for p in CHAPTERS.glob('[0-9]*.ipynb'))
    numpy = [c for c in chapters if uses(c, r'\bnumpy\b|\bnp\.|microgpt\.fast|from microgpt import fast')]
    assert sorted(numpy) == sorted(NUMPY_CHAPTERS + NUMPY_PICTURES_ONLY)
    assert [c for c in chapters if uses(c, r'\btorch\b')] == TORCH_CHAPTERS
