"""Fences a reader sees as Python but the engine would not run: each one is an error."""

from __future__ import annotations

from .pages import EXECUTED_PYTHON, PYTHON_LIKE, DocError, Page


def audit_page(page: Page) -> list[DocError]:
    problems: list[DocError] = []
    try:
        fences = page.fences()
        blocks = page.blocks()
    except DocError as error:
        return [error]
    covered = {fence.start for block in blocks for fence in block.fences}
    for block in blocks:
        if len(block.fences) > 1 and block.skip_reason() is not None:
            cont = block.fences[1]
            problems.append(DocError(page.rel, page.origin(cont.start).line,
                                     "this 'cont' block continues a skipped block and would be "
                                     "skipped with it silently: mark it itself, or drop 'cont'"))
    for fence in fences:
        if fence.language not in PYTHON_LIKE or fence.start in covered:
            continue
        line = page.origin(fence.start).line
        if fence.language in EXECUTED_PYTHON:
            why = "is used as expected output; show output in a 'text' fence"
        else:
            why = (f"has the info string {fence.info.strip()!r}, which the harness does not run; "
                   "write a plain 'python' block (show output with "
                   "<!--pytest-codeblocks:expected-output-->) or mark it "
                   '<!--pytest.mark.skip(reason="...")-->')
        problems.append(DocError(page.rel, line, f"Python fence {why}"))
    return problems
