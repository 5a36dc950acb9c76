"""The playground: one page for live demos of the shipped model (`python3 course.py playground`).

Three things an instructor shows, each on a tab of its own so that it fits a 1024x768 projector:

- `temperature`: a slider; the page lists the 20 names the shipped model writes at that temperature
  (exactly `names_at_temperature(..., num_samples=20, seed=0)`, as chapter 09's slider).
- `learning rate`: a slider; the page retrains the model from scratch with the fast NumPy engine
  (the reference recipe, 500 steps, at that peak learning rate) and draws its loss against the
  reference run's (learning rate 0.01, which ends at 1.9281).
- `name`: a text box; the page shows the model's next-letter probabilities after the typed letters,
  and where each attention head looks.

A `reset` button returns every control to its start. The logic lives here, not in the notebook
(`playground/playground.ipynb` only builds a `Playground` and shows it), so tests call it directly.
"""
import random

from .. import fast
from ..optim import TrainingDiverged
from ..tokenizer import data_file, load_docs
from .checkpoint import load_checkpoint
from .playground_pictures import inside_picture, loss_picture  # noqa: F401 (part of the page's logic)
from .widgets import label_sliders, names_at_temperature, names_report, picture_place, show_picture

DATA = data_file('names.txt')
START = {'temperature': 0.5, 'learning_rate': 0.01, 'name': 'emma'}  # where every control starts
STEPS = 500  # the reference run's length, so the start retrains exactly the reference run


class Model:
    "The shipped checkpoint, its training names, and the reference run's loss curve."

    def __init__(self, checkpoint=None, data=DATA):
        ckpt = load_checkpoint(checkpoint) if checkpoint else load_checkpoint()
        self.state_dict, self.config, self.tokenizer = ckpt.state_dict, ckpt.config, ckpt.tokenizer
        self.params = fast.from_state_dict(self.state_dict)
        self.data = data
        self.docs = load_docs(data)
        self.known = set(self.docs)
        self.reference = retrain(self, START['learning_rate'])


def names(model, temperature):
    "The 20 names the model writes at `temperature`, known ones starred, and the share of new ones."
    found = names_at_temperature(model.state_dict, model.config, model.tokenizer, temperature, num_samples=20, seed=0)
    return names_report(found, model.known)


def retrain(model, lr, steps=STEPS):
    """The reference recipe (seed 42) retrained with the fast engine at peak learning rate lr: the losses
    (fewer than `steps` if training diverged, which fast.train stops as the scalar engine does)."""
    rng = random.Random(42)
    docs = load_docs(model.data)
    rng.shuffle(docs)
    params = fast.init_params(model.config, rng)
    losses = []
    try:
        for _, loss in fast.train(docs, model.tokenizer, params, model.config, fast.Adam(params, lr=lr), steps):
            losses.append(loss)
    except TrainingDiverged:  # the picture shows the run up to where it diverged
        pass
    return losses


def look_inside(model, text):
    """What the model makes of a name's first letters: the next-letter probabilities after them and
    the attention weights of every head (layer 0), one row per position.

    Returns {'tokens': labels of the positions, 'probs': {letter: probability}, 'attention': array
    (n_head, T, T)}. Bad input raises ValueError with a message a learner can act on."""
    # One place to compute this: a tracer of the model's insides would replace only this function.
    text = text.strip().lower()
    unknown = sorted(set(c for c in text if c not in model.tokenizer.chars))
    if unknown:
        raise ValueError(f'the model knows only the letters a to z; {", ".join(map(repr, unknown))} '
                         'is not one of them: type letters only')
    longest = model.config.block_size - 1
    if len(text) > longest:
        raise ValueError(f'the model sees at most {longest} letters after the start of a name '
                         f'(its block size is {model.config.block_size}): type a shorter beginning')
    ids = [model.tokenizer.bos] + model.tokenizer.encode(text)
    logits, (_, _, caches) = fast.forward(ids, model.params, model.config)
    probs = fast.next_token_probs(logits[-1], 1.0)
    letters = model.tokenizer.chars + ['end']
    return {'tokens': ['BOS'] + list(text), 'probs': dict(zip(letters, probs.tolist())),
            'attention': caches[1][1][4]}


# --- The page -----------------------------------------------------------------------------------

STYLE = """<style>
.mg-playground, .mg-playground .widget-label, .mg-playground .widget-readout, .mg-playground input,
.mg-playground button, .mg-playground .lm-TabBar-tab { font-size: 20px !important; }
.mg-playground .widget-label { min-width: max-content; }
.mg-playground .lm-TabBar-tab { color: #1a1a1a !important; opacity: 1 !important; }
.mg-playground .lm-TabBar-tab { min-height: 36px; padding: 4px 18px; flex: 0 0 auto !important;
  max-width: none !important; min-width: max-content !important; }
.mg-playground pre { font-size: 20px; line-height: 1.3; columns: 5; margin: 0; }
.mg-playground img { max-width: 100%; height: auto; }
.mg-playground p, .mg-playground b { font-size: 18px; }
</style>"""


class Playground:
    "The page's controls and what they show; `view` is the widget to display."

    def __init__(self, model=None):
        import ipywidgets as widgets
        self.model = model or Model()
        wide = {'width': '620px'}
        label = {'description_width': 'initial'}
        self.temperature = widgets.FloatSlider(value=START['temperature'], min=0.0, max=2.0, step=0.1,
                                               description='temperature', readout_format='.1f',
                                               style=label, layout=wide)
        self.learning_rate = widgets.FloatLogSlider(value=START['learning_rate'], base=10, min=-4, max=0,
                                                    step=0.25, description='learning rate', readout_format='.3g',
                                                    continuous_update=False, style=label, layout=wide)
        self.name = widgets.Text(value=START['name'], description='the start of a name', style=label,
                                 continuous_update=True, layout={'width': '520px'})
        self.reset_button = widgets.Button(description='reset', layout={'width': '140px'})  # no icon font: nothing from a CDN
        self.names, self.inside_message = widgets.HTML(), widgets.HTML()
        self.loss, self.inside = picture_place(1100), picture_place(1100)
        self.tabs = widgets.Tab([widgets.VBox([self.temperature, self.names]),
                                 widgets.VBox([self.learning_rate, self.loss]),
                                 widgets.VBox([self.name, self.inside_message, self.inside])])
        for i, title in enumerate(['temperature', 'learning rate', 'inside a name']):
            self.tabs.set_title(i, title)
        self.temperature.observe(self.show_names, names='value')
        self.learning_rate.observe(self.show_loss, names='value')
        self.name.observe(self.show_inside, names='value')
        self.reset_button.on_click(lambda _: self.reset())
        self.view = widgets.VBox([widgets.HTML(STYLE), widgets.HBox([self.reset_button]), self.tabs])
        self.view.add_class('mg-playground')
        label_sliders()
        self.show_names(), self.show_loss(), self.show_inside()

    def show_names(self, change=None):
        lines = names(self.model, round(self.temperature.value, 1))
        self.names.value = '<pre>' + '\n'.join(lines[:-2]) + '</pre><p>' + '<br>'.join(lines[-2:]) + '</p>'

    def show_loss(self, change=None):
        lr = float(f'{self.learning_rate.value:.3g}')
        show_picture(self.loss, loss_picture(retrain(self.model, lr), self.model.reference, lr),
                     f'the loss at learning rate {lr:g}, step by step, and the reference run')

    def show_inside(self, change=None):
        try:
            inside = look_inside(self.model, self.name.value)
        except ValueError as e:
            self.inside_message.value = f'<b style="color:#b00">{e}</b>'
            return
        self.inside_message.value = ''
        show_picture(self.inside, inside_picture(inside), f'after "{self.name.value}": the probability of '
                     "each next letter, and each attention head's weights")

    def reset(self):
        "Every control back to its start (and what it shows with it)."
        self.temperature.value = START['temperature']
        self.learning_rate.value = START['learning_rate']
        self.name.value = START['name']
        self.tabs.selected_index = 0
