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

// No re-typesetting hook: the site does not use Material's instant navigation, so every
// page is a full load and MathJax typesets it once at startup.
