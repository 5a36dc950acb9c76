"""The GPT as a picture: DOT text from a configuration (chapters 06 and 11), laid out by Graphviz."""


def architecture_dot(config):
    """DOT source of the GPT that `config` describes: one box per step, the
    vector size on every arrow."""
    c, ch = config, lambda n: f'chapter {n:02d}'
    lines = [
        'digraph gpt {',
        '  rankdir=TB; nodesep=0.12; ranksep=0.28; newrank=true;',
        '  node [shape=box, style="rounded,filled", '
        'fillcolor="#eef3fb", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.6];',
        f'  tok [label="token id (one of {c.vocab_size})", '
        'shape=plaintext, style=""];',
        f'  pos [label="position (0 to {c.block_size - 1})", '
        'shape=plaintext, style=""];',
        f'  wte [label="token embedding wte\\n{c.vocab_size} × '
        f'{c.n_embd} table · {ch(4)}"];',
        f'  wpe [label="position embedding wpe\\n{c.block_size} × '
        f'{c.n_embd} table · {ch(4)}"];',
        '  add [label="+", shape=circle, margin=0]; norm [label="RMSNorm · '
        + ch(6)
        + '"];',
        '  tok -> wte; pos -> wpe;',
        f'  wte -> add [label="{c.n_embd}"]; wpe -> add [label="{c.n_embd}"];',
        f'  add -> norm [label="{c.n_embd}"];',
    ]
    stream = 'norm'  # the residual stream: the node whose output flows on
    for i in range(c.n_layer):
        lines += _layer_lines(c, i, stream, ch)
        stream = f'L{i}_res2'
    lines += [
        f'  head [label="language-model head lm_head\\n{c.n_embd} → '
        f'{c.vocab_size} · {ch(6)}"];',
        '  probs [label="softmax: probabilities of the next token · '
        f'{ch(4)}, {ch(8)}", fillcolor="#fdf1e3"];',
        f'  {stream} -> head [label="{c.n_embd}", penwidth=2];',
        f'  head -> probs [label="{c.vocab_size} logits"];',
        '}',
    ]
    return '\n'.join(lines) + '\n'


def _layer_lines(c, i, stream, ch):
    """One layer: attention split into heads, then the MLP, each with RMSNorm
    before and a residual after."""
    p, hd, wide = f'L{i}_', c.head_dim, 4 * c.n_embd
    heads = [f'{p}h{h}' for h in range(c.n_head)]
    lines = [
        f'  subgraph cluster_{i} {{',
        f'    label="layer {i}"; fontname="Helvetica"; fontsize=12; '
        'color="#9db3d6";',
        f'    {p}n1 [label="RMSNorm · {ch(6)}"];',
        f'    {p}qkv [label="q, k, v: attn_wq, attn_wk, '
        f'attn_wv\\n{c.n_embd} → {c.n_embd} each · {ch(5)}"];',
        f'    {p}cache [label="KV cache: keys and values\\nof this '
        f'and earlier positions · {ch(5)}", shape=cylinder, style=""];',
    ]
    lines += [
        f'    {h} [label="head {n}\\nsoftmax(q·k/√{hd})·v"];'
        for n, h in enumerate(heads)
    ]
    lines += [
        f'    {{rank=same; {"; ".join(heads)}}}',
        f'    {p}wo [label="output projection attn_wo\\n{c.n_embd} → '
        f'{c.n_embd} · {ch(5)}"];',
        f'    {p}res1 [label="+ residual · {ch(6)}", shape=box];',
        f'    {p}n2 [label="RMSNorm · {ch(6)}"];',
        f'    {p}fc1 [label="MLP: mlp_fc1\\n{c.n_embd} → {wide} · {ch(6)}"];',
        f'    {p}relu [label="ReLU² · {ch(6)}"];',
        f'    {p}fc2 [label="mlp_fc2\\n{wide} → {c.n_embd} · {ch(6)}"];',
        f'    {p}res2 [label="+ residual · {ch(6)}", shape=box];',
        '  }',
        f'  {stream} -> {p}n1 [label="{c.n_embd}"]; {p}n1 -> {p}qkv '
        f'[label="{c.n_embd}"];',
        f'  {p}qkv -> {p}cache [label="k, v", style=dashed];',
    ]
    for h in heads:
        lines.append(
            f'  {p}qkv -> {h} [label="{hd}+{hd}+{hd}"]; {p}cache -> {h} '
            '[style=dashed]; '
            f'{h} -> {p}wo [label="{hd}"];'
        )
    lines += [
        f'  {stream} -> {p}res1 [label="{c.n_embd}  residual stream", '
        'penwidth=2];',
        f'  {p}wo -> {p}res1 [label="{c.n_embd}"];',
        f'  {p}res1 -> {p}n2 [label="{c.n_embd}"]; {p}n2 -> {p}fc1 '
        f'[label="{c.n_embd}"];',
        f'  {p}fc1 -> {p}relu [label="{wide}"]; {p}relu -> {p}fc2 '
        f'[label="{wide}"];',
        f'  {p}res1 -> {p}res2 [label="{c.n_embd}", penwidth=2]; '
        f'{p}fc2 -> {p}res2 [label="{c.n_embd}"];',
    ]
    return lines