"""The doc-test harness: every code block a reader sees is executed.

pytest-codeblocks is the engine (fence extraction, markers, expected output);
this package adds what the site needs on top: includes expanded exactly as
pymdownx.snippets expands them, fences with attributes or inside tabs, one
namespace per page, zh/en deduplication, notebooks, and errors that name the
page, the line and the included file.
"""
