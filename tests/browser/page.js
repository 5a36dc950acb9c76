// What the browser tests read from a JupyterLab page: evaluated once per page, defines window.__mg.
// Everything is read from what the page shows (the DOM), with JupyterLab's own notebook panel
// (window.jupyterapp, exposed by the test server) only to find the cells of one notebook.
(() => {
  const panelOf = (path) => {
    for (const w of window.jupyterapp.shell.widgets('main')) {
      if (w.context && w.context.path === path && w.content && w.sessionContext) return w;
    }
    return null;
  };
  const kernelStatus = (panel) => {
    const s = panel.sessionContext.session;
    return s && s.kernel ? s.kernel.status : 'no kernel';
  };
  const dialogText = () => {
    const d = document.querySelector('.jp-Dialog');
    return d ? d.innerText.replace(/\s+/g, ' ').trim() : null;
  };
  const prompts = (panel) =>
    [...panel.content.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent.trim());
  const SVG_IMG = 'img[src^="data:image/svg+xml"]';
  const loaded = (img) => img.complete && img.naturalWidth > 0;
  const isWidgetOutput = (o) => [...o.children].some((c) => c.classList.contains('jupyter-widgets'));
  const WIDGET_ERROR = /(Error displaying widget|Error rendering widget)[^\n]{0,200}|Loading widget\.\.\./;
  const widgetError = (o) => WIDGET_ERROR.test(o.textContent);

  window.__mg = {
    // The notebook is open, its kernel started and idle.
    ready(path) {
      const panel = panelOf(path);
      if (!panel) return dialogText() ? { dialog: dialogText() } : false;
      if (dialogText()) return { dialog: dialogText() };
      return panel.sessionContext.isReady && kernelStatus(panel) === 'idle';
    },

    // Count the kernel's execute requests and replies from now on; a run has started once a cell
    // shows [*]. (After an error, JupyterLab shows [ ] on cells the kernel still runs: prompts alone
    // cannot tell when a run is over.)
    watchRun(path) {
      const panel = panelOf(path);
      const run = { started: false, sent: 0, replies: 0 };
      const look = () => {
        if (prompts(panel).some((t) => t.includes('*'))) {
          run.started = true;
          run.observer.disconnect();  // seen once is enough: no work on every later output
        }
      };
      const hook = (kernel) => {
        if (!kernel || kernel.__mgHooked) return;
        kernel.__mgHooked = true;
        kernel.anyMessage.connect((_, m) => {
          const r = window.__mgRun;
          const type = m.msg.header.msg_type;
          if (!r) return;
          if (m.direction === 'send' && type === 'execute_request') r.sent += 1;
          if (m.direction === 'recv' && type === 'execute_reply') r.replies += 1;
        });
      };
      hook(panel.sessionContext.session && panel.sessionContext.session.kernel);
      panel.sessionContext.kernelChanged.connect((_, change) => hook(change.newValue));
      run.observer = new MutationObserver(look);
      run.observer.observe(panel.content.node, { subtree: true, childList: true, characterData: true });
      window.__mgRun = run;
    },

    // Restart & Run All has finished: it started, every execute request has its reply, the kernel
    // is idle and no cell waits or runs. A dialog (kernel died, ...) or a dead kernel ends the wait
    // too, to be reported.
    runState(path) {
      const panel = panelOf(path);
      const run = window.__mgRun;
      const status = kernelStatus(panel);
      const p = prompts(panel);
      const counts = { sent: run.sent, replies: run.replies };
      if (dialogText()) return { dialog: dialogText(), status, prompts: p, ...counts };
      if (status === 'dead') return { dead: true, status, prompts: p, ...counts };
      const finished = p.length === 0 || (run.started && run.sent > 0 && run.replies >= run.sent);
      if (finished && status === 'idle' && !p.some((t) => t.includes('*'))) {
        run.observer.disconnect();
        return { done: true, status, prompts: p, ...counts };
      }
      return false;
    },

    kernelStatus(path) {
      return kernelStatus(panelOf(path));
    },

    // What each cell shows now.
    cells(path) {
      const panel = panelOf(path);
      return panel.content.widgets.map((cell, i) => {
        const node = cell.node;
        const info = {
          index: i,
          type: cell.model.type,
          source: cell.model.sharedModel.getSource(),
          tags: cell.model.getMetadata('tags') || [],
        };
        if (info.type !== 'code') return info;
        // The execution count the prompt shows ([3]:), also when the cell's code is hidden.
        info.executionCount = cell.model.executionCount;
        info.prompt = (node.querySelector('.jp-InputPrompt') || {}).textContent || '';
        const outputs = [...node.querySelectorAll('.jp-Cell-outputArea .jp-OutputArea-output')];
        const top = [...node.querySelectorAll('.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output')];
        info.errors = [];
        for (let j = 0; j < cell.model.outputs.length; j++) {
          const o = cell.model.outputs.get(j).toJSON();
          if (o.output_type === 'error') info.errors.push(`${o.ename}: ${o.evalue}`);
        }
        info.text = top.map((o) => o.textContent).join('\n');
        info.allText = outputs.map((o) => o.textContent).join('\n');
        const pngs = [...node.querySelectorAll('.jp-Cell-outputArea img')].filter((im) => im.src.startsWith('data:image/png'));
        const svgImgs = [...node.querySelectorAll('.jp-Cell-outputArea ' + SVG_IMG)];
        const inlineSvgs = outputs.flatMap((o) => [...o.querySelectorAll('svg')]).filter((s) => !s.parentElement.closest('svg'));
        const imgs = [...node.querySelectorAll('.jp-Cell-outputArea img')];
        info.png = pngs.filter(loaded).length;
        info.svg = svgImgs.filter(loaded).length + inlineSvgs.length;
        info.brokenImages = imgs.filter((im) => !loaded(im)).length;
        info.widgets = outputs.filter((o) => isWidgetOutput(o) && !widgetError(o)).length;
        info.widgetErrors = outputs.filter(widgetError).map((o) => o.textContent.match(WIDGET_ERROR)[0].trim());
        return info;
      });
    },
  };
})();
