"""The GPT as a picture (chapters 07 and 13): a graphviz.Digraph built from a configuration alone,
whose DOT text show_dot lays out. Each box names the chapter that teaches it; each arrow says how
many numbers travel along it."""
from .draw import digraph, dot_label

FONT = {'fontname': 'Helvetica'}
PLAIN = {'shape': 'plaintext', 'style': ''}


def _ch(n):
    return f'chapter {n:02d}'


def architecture_dot(config):
    "DOT source of the GPT that `config` describes: one box per step, the vector size on every arrow."
    c, n = config, str(config.n_embd)
    dot = digraph('gpt', graph_attr={'rankdir': 'TB', 'nodesep': '0.12', 'ranksep': '0.28', 'newrank': 'true'},
                  node_attr={'shape': 'box', 'style': 'rounded,filled', 'fillcolor': '#eef3fb', 'fontsize': '11',
                             **FONT},
                  edge_attr={'fontsize': '10', 'arrowsize': '0.6', **FONT})
    dot.node('tok', f'token id (one of {c.vocab_size})', **PLAIN)
    dot.node('pos', f'position (0 to {c.block_size - 1})', **PLAIN)
    dot.node('wte', dot_label('token embedding wte', f'{c.vocab_size} × {n} table · {_ch(4)}'))
    dot.node('wpe', dot_label('position embedding wpe', f'{c.block_size} × {n} table · {_ch(4)}'))
    dot.node('add', '+', shape='circle', margin='0')
    dot.node('norm', f'RMSNorm · {_ch(7)}')
    dot.edge('tok', 'wte')
    dot.edge('pos', 'wpe')
    for start, end in (('wte', 'add'), ('wpe', 'add'), ('add', 'norm')):
        dot.edge(start, end, label=n)
    stream = 'norm'  # the residual stream: the node whose output flows on
    for i in range(c.n_layer):
        _layer(dot, c, i, stream)
        stream = f'L{i}_res2'
    dot.node('head', dot_label('language-model head lm_head', f'{n} → {c.vocab_size} · {_ch(4)}'))
    dot.node('probs', f'softmax: probabilities of the next token · {_ch(5)}, {_ch(9)}', fillcolor='#fdf1e3')
    dot.edge(stream, 'head', label=n, penwidth='2')
    dot.edge('head', 'probs', label=f'{c.vocab_size} logits')
    return dot.source


def _layer(dot, c, i, stream):
    "One layer: attention split into heads, then the MLP, each with RMSNorm before and a residual after."
    p, hd, n, wide = f'L{i}_', str(c.head_dim), str(c.n_embd), str(4 * c.n_embd)
    heads = [f'{p}h{h}' for h in range(c.n_head)]
    with dot.subgraph(name=f'cluster_{i}') as layer:
        layer.attr(label=f'layer {i}', fontsize='12', color='#9db3d6', **FONT)
        layer.node(f'{p}n1', f'RMSNorm · {_ch(7)}')
        layer.node(f'{p}qkv', dot_label('q, k, v: attn_wq, attn_wk, attn_wv', f'{n} → {n} each · {_ch(6)}'))
        layer.node(f'{p}cache', dot_label('KV cache: keys and values', f'of this and earlier positions · {_ch(6)}'),
                   shape='cylinder', style='')
        with layer.subgraph() as side_by_side:
            side_by_side.attr(rank='same')
            for k, h in enumerate(heads):
                side_by_side.node(h, dot_label(f'head {k}', f'softmax(q·k/√{hd})·v'))
        layer.node(f'{p}wo', dot_label('output projection attn_wo', f'{n} → {n} · {_ch(6)}'))
        layer.node(f'{p}res1', f'+ residual · {_ch(7)}', shape='box')
        layer.node(f'{p}n2', f'RMSNorm · {_ch(7)}')
        layer.node(f'{p}fc1', dot_label('MLP: mlp_fc1', f'{n} → {wide} · {_ch(7)}'))
        layer.node(f'{p}relu', f'ReLU² · {_ch(7)}')
        layer.node(f'{p}fc2', dot_label('mlp_fc2', f'{wide} → {n} · {_ch(7)}'))
        layer.node(f'{p}res2', f'+ residual · {_ch(7)}', shape='box')
    # Edges in the outer graph: an edge inside the cluster would pull its outside end into it.
    dot.edge(stream, f'{p}n1', label=n)
    dot.edge(f'{p}n1', f'{p}qkv', label=n)
    dot.edge(f'{p}qkv', f'{p}cache', label='k, v', style='dashed')
    for h in heads:
        dot.edge(f'{p}qkv', h, label=f'{hd}+{hd}+{hd}')
        dot.edge(f'{p}cache', h, style='dashed')
        dot.edge(h, f'{p}wo', label=hd)
    dot.edge(stream, f'{p}res1', label=f'{n}  residual stream', penwidth='2')
    dot.edge(f'{p}wo', f'{p}res1', label=n)
    for start, end, size in (('res1', 'n2', n), ('n2', 'fc1', n), ('fc1', 'relu', wide), ('relu', 'fc2', wide)):
        dot.edge(p + start, p + end, label=size)
    dot.edge(f'{p}res1', f'{p}res2', label=n, penwidth='2')
    dot.edge(f'{p}fc2', f'{p}res2', label=n)
