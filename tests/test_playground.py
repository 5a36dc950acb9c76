"""The playground's logic, without a browser: what each control computes, and the page's controls."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT

pytest.importorskip('numpy')
from microgpt.helpers import playground  # noqa: E402  (needs numpy)
from microgpt.model import gpt, kv_cache  # noqa: E402
from microgpt.sample import next_token_probs  # noqa: E402
from microgpt.helpers.widgets import names_at_temperature  # noqa: E402


@pytest.fixture(scope='module')
def model():
    return playground.Model()


def test_the_start_retrains_exactly_the_reference_run(model):
    # The reference numbers of the course: seed 42, loss 3.2999 at step 1 and 1.9281 at step 500.
    assert len(model.reference) == 500
    assert f'{model.reference[0]:.4f}' == '3.2999' and f'{model.reference[-1]:.4f}' == '1.9281'


def test_another_learning_rate_trains_another_model(model):
    fast_lr = playground.retrain(model, 0.1, steps=50)
    assert fast_lr != model.reference[:50] and fast_lr[0] == pytest.approx(model.reference[0])


def test_names_are_chapter_09s_names_at_that_temperature(model):
    for t in (0.2, 1.5):
        want = names_at_temperature(model.state_dict, model.config, model.tokenizer, t, num_samples=20, seed=0)
        shown = playground.names(model, t)
        assert [line.removesuffix(' *') for line in shown[:20]] == want
        assert shown[-1].startswith('new names:')
    assert playground.names(model, 0.2) != playground.names(model, 1.5)


def test_look_inside_gives_the_scalar_models_next_letter_probabilities(model):
    inside = playground.look_inside(model, ' Emm ')  # spaces around and capitals are forgiven
    assert inside['tokens'] == ['BOS', 'e', 'm', 'm']
    keys, values = kv_cache(model.config)
    ids = [model.tokenizer.bos] + model.tokenizer.encode('emm')
    for pos, token in enumerate(ids):
        logits = gpt(token, pos, keys, values, model.state_dict, model.config)
    want = next_token_probs(logits, 1.0)
    assert list(inside['probs'].values()) == pytest.approx(want, abs=1e-9)
    assert list(inside['probs'])[-1] == 'end'


def test_attention_weights_are_causal_and_each_row_sums_to_one(model):
    att = playground.look_inside(model, 'olivia')['attention']
    assert att.shape == (model.config.n_head, 7, 7)
    for head in att:
        for row, weights in enumerate(head):
            assert weights.sum() == pytest.approx(1.0)
            assert all(w == 0 for w in weights[row + 1:]), 'a position looks at a later one'


def test_an_empty_box_shows_the_first_letter_distribution(model):
    inside = playground.look_inside(model, '')
    assert inside['tokens'] == ['BOS'] and sum(inside['probs'].values()) == pytest.approx(1.0)


@pytest.mark.parametrize('text, says', [('zoë', "'ë'"), ('ann-marie', "'-'"), ('christopher', 'at most 7 letters')])
def test_bad_names_get_a_message_saying_what_to_do(model, text, says):
    with pytest.raises(ValueError, match='type') as error:
        playground.look_inside(model, text)
    assert says in str(error.value)


def test_pictures_are_drawn_also_for_a_diverging_run(model):
    losses = playground.retrain(model, 1.0, steps=60)
    for picture in (playground.loss_picture(losses, model.reference[:60], 1.0),
                    playground.inside_picture(playground.look_inside(model, 'ann'))):
        assert picture.startswith(b'\x89PNG')


@pytest.mark.slow
def test_controls_redraw_and_reset_brings_everything_back(model):
    pytest.importorskip('ipywidgets')
    page = playground.Playground(model)
    start = (page.names.value, page.loss.value, page.inside.value)
    page.temperature.value = 1.2
    page.learning_rate.value = 0.1
    page.name.value = 'sop'
    moved = (page.names.value, page.loss.value, page.inside.value)
    assert all(a != b for a, b in zip(start, moved)), 'a control did not change what it shows'
    page.name.value = 'sop1'
    assert '1' in page.inside_message.value and page.inside.value == moved[2]
    page.tabs.selected_index = 2
    page.reset()
    assert (page.temperature.value, page.learning_rate.value, page.name.value) == (0.5, 0.01, 'emma')
    assert (page.names.value, page.loss.value, page.inside.value) == start
    assert page.inside_message.value == '' and page.tabs.selected_index == 0


def test_a_run_that_diverges_is_drawn_up_to_where_it_stopped(model):
    losses = playground.retrain(model, 1.0, steps=60)
    assert 0 < len(losses) < 60  # fast.train stops a diverging run, as the scalar engine does
    assert playground.loss_picture(losses, model.reference[:60], 1.0).startswith(b'\x89PNG')



# ---- How the page is served: a token, a cap on kernels, idle ones culled, nothing from a CDN ----------

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def start(cmd, log_path, env=None):
    "Start a server, its own process group, that prints its URL with ?token=; returns (process, that URL)."
    log = open(log_path, 'w')
    process = subprocess.Popen([sys.executable, *cmd], cwd=ROOT, env=dict(env or os.environ, PYTHONPATH=str(ROOT)),
                               stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r'http://127\.0\.0\.1:\d+/\?token=\w+', log_path.read_text())
        if found:
            return process, found[0]
        time.sleep(0.25)  # polling while the server starts
    process.kill()
    raise AssertionError(f'the server printed no URL with a token:\n{log_path.read_text()}')


def get(url):
    "(status, page) of a GET, redirects not followed."
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=120) as answer:
            return answer.status, answer.read().decode('utf-8', 'replace')
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode('utf-8', 'replace')


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)


@pytest.fixture
def voila(tmp_path):
    "The playground served as `course.py playground` serves it, with a cap of one kernel, culled after 4 s idle."
    pytest.importorskip('voila')
    from microgpt.helpers.playground_server import NOTEBOOK, environment, options
    cmd = ['-m', 'voila', str(NOTEBOOK), *options(max_kernels=1, idle_seconds=4), '--no-browser',
           f'--port={free_port()}']
    process, url = start(cmd, tmp_path / 'voila.log', environment())
    yield url, tmp_path / 'voila.log'
    stop(process)


@pytest.mark.slow
def test_the_page_needs_its_token_and_loads_nothing_from_outside(voila):
    url, _ = voila
    without = url.split('?')[0]
    status, page = get(without)
    assert status in (302, 403) and 'playground' not in page  # to the token's login page at most
    status, page = get(url)
    assert status == 200 and 'microgpt playground' in page
    assert not re.findall(r'<(?:link|script)[^>]+(?:href|src)="(?:https?:)?//', page)  # no CDN
    assert 'fontawesome' not in page and 'font-awesome' not in page


@pytest.mark.slow
def test_kernels_are_capped_and_idle_ones_culled(voila):
    url, log = voila
    assert get(url)[0] == 200  # a page that never connects: its kernel idles
    status, page = get(url)
    assert status == 503 and 'font-awesome' not in page  # the second page waits its turn
    assert 'already runs 1 pages at once' in log.read_text()
    deadline = time.monotonic() + 60
    while 'Kernel shutdown' not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)  # polling while the idle kernel is culled
    assert "Culling 'idle' kernel" in log.read_text()
    while (status := get(url)[0]) != 200 and time.monotonic() < deadline:
        time.sleep(1)  # polling while the culled kernel finishes shutting down
    assert status == 200, 'a page was refused although the idle kernel was culled'


@pytest.mark.slow
@pytest.mark.skipif(os.name == 'nt', reason='POSIX signals and process groups')
def test_sigterm_to_course_py_playground_stops_voila_and_its_kernels(tmp_path):
    pytest.importorskip('voila')
    port = free_port()
    process, url = start([str(ROOT / 'course.py'), 'playground', '--no-browser', f'--port={port}'],
                         tmp_path / 'course.log')
    try:
        assert get(url)[0] == 200  # a kernel runs
        process.send_signal(signal.SIGTERM)  # to course.py alone, as `kill PID` sends it
        process.wait(timeout=60)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and alive(process.pid):
            time.sleep(0.25)  # polling while Voila shuts its kernels down
        assert not alive(process.pid), 'Voila (or a kernel) still runs after course.py was stopped'
        with pytest.raises(OSError):
            socket.create_connection(('127.0.0.1', port), timeout=2).close()
    finally:
        stop(process)


def alive(group):
    "Whether any process of this process group still runs."
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
