// MathJax 3 reads this before it loads (pymdownx.arithmatex, generic mode).
window.MathJax = {
  tex: {
    // \( \) and \[ \] come from pymdownx.arithmatex; $ $ and $$ $$ from notebook cells.
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    // Page chrome never holds math; code is skipped by tag (pre, code). Notebook cells
    // nest their text in plain <p>, so we can't use the ".*|" ignore-everything trick.
    ignoreHtmlClass: "tex2jax_ignore|md-header|md-footer|md-nav|md-search|md-sidebar|md-source",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",
  },
  svg: { fontCache: "global" },
};

// Material's instant navigation swaps pages without reloading scripts.
if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    if (window.MathJax && MathJax.typesetPromise) {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      MathJax.typesetPromise();
    }
  });
}
