"""The playground's logic, without a browser: what each control computes, and the page's controls."""
import random

import pytest

pytest.importorskip('numpy')
from microgpt import playground  # noqa: E402  (needs numpy)
from microgpt.model import gpt, kv_cache  # noqa: E402
from microgpt.sample import next_token_probs  # noqa: E402
from microgpt.widgets import names_at_temperature  # noqa: E402


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


def test_names_are_chapter_08s_names_at_that_temperature(model):
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
