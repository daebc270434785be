"""pytest plugin: every page under docs/ becomes a collector, every block an item."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from .audit import audit_page
from .pages import DEFAULT_LANGUAGE, DocError, Page, counterpart, docs_pages
from .runner import Job, Outcome, run_jobs, run_jobs_in_subprocess

PAGE_TIMEOUT = 600  # seconds for a fresh-process page as a whole
_STATS: dict = {}  # counts for the closing summary, filled from test reports


def pytest_configure(config):
    config.addinivalue_line("markers", "fresh_process: run the page's blocks in a new interpreter")
    config.addinivalue_line("markers", "xdist_group: keep items on one worker (pytest-xdist)")
    _STATS.clear()
    _STATS.update(skipped=[], executed=0, notebooks=0, tests=0)


def _root(config) -> Path:
    return Path(config.rootpath)


def pytest_collect_file(file_path: Path, parent):
    root = _root(parent.config)
    docs = root / "docs"
    if docs not in file_path.parents:
        return None
    if file_path.suffix == ".md":
        return DocPage.from_parent(parent, path=file_path)
    if file_path.suffix == ".ipynb":
        from .notebooks import NotebookPage

        return NotebookPage.from_parent(parent, path=file_path)
    return None


# -- running a page once per process ------------------------------------------------
_RUNS: dict[str, tuple[list[Outcome], dict | None]] = {}


def page_jobs(page: Page) -> list[Job]:
    return [
        Job(where=b.where(), language=b.language, code=b.code,
            origins=[str(o) for o in b.code_origins], skip_reason=b.skip_reason(),
            expected_output=b.expected_output, ignore_whitespace=b.ignore_whitespace)
        for b in page.blocks()
    ]


def is_fresh_process(page: Page) -> bool:
    blocks = page.blocks()
    return bool(blocks) and any("fresh_process" in m for m in blocks[0].marks)


def run_page(page: Page) -> tuple[list[Outcome], dict | None]:
    """Run (once per process, keyed by the code) all blocks of a page; the namespace is kept."""
    jobs = page_jobs(page)
    key = page.rel + hashlib.sha256(repr([(j.code, j.skip_reason) for j in jobs]).encode()).hexdigest()
    if key not in _RUNS:
        if is_fresh_process(page):
            _RUNS[key] = (run_jobs_in_subprocess(jobs, str(page.root), PAGE_TIMEOUT), None)
        else:
            _RUNS[key] = run_jobs(jobs)
    return _RUNS[key]


def page_namespace(rel: str, root: Path | None = None) -> dict:
    """For unit tests: the names a page's code defined, after running it (once per process).

    Tests that use it carry ``pytest.mark.xdist_group(<page slug>)`` so they share the run
    with the page's own doc items.
    """
    root = root or Path(__file__).resolve().parents[2]
    page = Page(root / rel, root)
    outcomes, namespace = run_page(page)
    failed = [o.message for o in outcomes if o.status == "failed"]
    if failed:
        raise AssertionError(f"{rel} failed to run:\n{failed[0]}")
    if namespace is None:
        raise RuntimeError(f"{rel} runs in a fresh process; its names are not available here")
    return namespace


# -- collection ------------------------------------------------------------------
class DocPage(pytest.File):
    def collect(self):
        root = _root(self.config)
        try:
            page = Page(self.path, root)
            problems = audit_page(page)
            if problems:
                raise problems[0]
            blocks = page.blocks()
        except DocError as error:
            raise self.CollectError(str(error)) from None
        if page.language and page.language != DEFAULT_LANGUAGE:
            twin = counterpart(self.path, root)
            if twin and twin.exists():
                try:
                    if Page(twin, root).signature() == page.signature():
                        return  # identical code: it runs once, with the default-language page
                except DocError:
                    pass  # the twin reports its own error
        for block in blocks:
            item = DocBlock.from_parent(self, name=f"line {block.line}", page=page, index=block.index)
            item.add_marker(pytest.mark.xdist_group(page.slug))
            reason = block.skip_reason()
            if reason is not None:
                item.add_marker(pytest.mark.skip(reason=reason))
            yield item


class DocBlockFailure(Exception):
    pass


class DocBlock(pytest.Item):
    def __init__(self, *, page: Page, index: int, **kwargs):
        super().__init__(**kwargs)
        self.page, self.index = page, index
        block = page.blocks()[index]
        self.user_properties.append(("doc_block", block.language))

    def runtest(self):
        outcomes, _ = run_page(self.page)
        outcome = outcomes[self.index]
        if outcome.status == "failed":
            raise DocBlockFailure(outcome.message)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, DocBlockFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, self.page.blocks()[self.index].line - 1, f"{self.page.rel}:{self.name}"


# -- the closing counts -------------------------------------------------------------
def pytest_runtest_logreport(report):
    if not (report.when == "call" or (report.when == "setup" and report.skipped)):
        return
    properties = dict(report.user_properties)
    if report.skipped and ("doc_block" in properties or "notebook" in properties):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        nodeid = report.nodeid.split("@")[0]  # drop xdist's "@group" suffix
        _STATS["skipped"].append(f"{nodeid}: {reason.removeprefix('Skipped: ')}")
    elif report.when != "call":
        return
    elif "notebook" in properties:
        _STATS["notebooks"] += 1
    elif "doc_block" in properties:
        _STATS["executed"] += 1
        _STATS.setdefault("pages_run", set()).add(report.nodeid.split("::")[0])
    else:
        _STATS["tests"] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    root = _root(config)
    if not (root / "docs").exists():
        return
    stats = _STATS
    pages = docs_pages(root)
    notebooks = docs_pages(root, ".ipynb")
    shared = 0
    for path in pages:
        if path.relative_to(root / "docs").parts[0] != DEFAULT_LANGUAGE:
            twin = counterpart(path, root)
            if twin is None or twin.relative_to(root).as_posix() not in stats.get("pages_run", ()):
                continue  # only pages this run executed count as "run once"
            try:
                if twin.exists() and Page(twin, root).signature() == Page(path, root).signature():
                    shared += len([b for b in Page(path, root).blocks() if b.skip_reason() is None])
            except DocError:
                pass
    modules = [p for p in (root / "examples").rglob("*.py") if p.name != "__init__.py"] if (root / "examples").exists() else []
    tested = [p for p in modules if (root / "tests" / p.parent.relative_to(root / "examples") / f"test_{p.stem}.py").exists()]
    write = terminalreporter.write_line
    terminalreporter.section("DL Notes doc test")
    write(f"pages:                     {len(pages)} Markdown ({len([p for p in pages if '/zh/' in p.as_posix()])} zh, "
          f"{len([p for p in pages if '/en/' in p.as_posix()])} en) + {len(notebooks)} notebooks")
    write(f"code blocks executed:      {stats.get('executed', 0)} "
          f"(+{shared} identical in the other language, run once)")
    write(f"code blocks skipped:       {len(stats['skipped'])}")
    for line in stats["skipped"]:
        write(f"    {line}")
    write(f"notebooks executed:        {stats.get('notebooks', 0)}")
    write(f"example modules tested:    {len(tested)} of {len(modules)}")
    write(f"other test items run:      {stats.get('tests', 0)}")
