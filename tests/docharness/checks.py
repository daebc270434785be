"""Whole-site checks on the sources, each problem reported as ``path:line: message``.

Used by the tests in tests/site/ on the real site and by tests/harness/ on small
fixture sites, so every rule is proven to catch the bad input it is for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from .pages import LANGUAGES, DocError, Page, counterpart, docs_pages

HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
ANCHOR_RE = re.compile(r"\{\s*#([\w-]+)[^}]*\}\s*$")
HTML_ID_RE = re.compile(r"""<h[1-6][^>]*\bid=["']([^"']+)["']""")
LINK_RE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
NAMED_ANCHOR_RE = re.compile(r"""\bid=["']([^"']+)["']""")


def _outside_fences(lines):
    """(line number, text) of lines that are not inside a code fence."""
    fence = None
    for number, text in enumerate(lines, 1):
        stripped = text.strip()
        if fence is None and re.match(r"^(`{3,}|~{3,})", stripped):
            fence = re.match(r"^(`{3,}|~{3,})", stripped).group(1)
            continue
        if fence is not None:
            if stripped.startswith(fence) and not stripped[len(fence):].strip():
                fence = None
            continue
        yield number, text


def headings(path: Path) -> list[tuple[int, int, str | None]]:
    """(line, level, explicit anchor or None) for every Markdown heading of a page."""
    if path.suffix == ".ipynb":
        return notebook_headings(path)
    out = []
    for number, text in _outside_fences(path.read_text(encoding="utf-8").splitlines()):
        match = HEADING_RE.match(text)
        if match:
            anchor = ANCHOR_RE.search(match.group(2))
            out.append((number, len(match.group(1)), anchor.group(1) if anchor else None))
    return out


def notebook_headings(path: Path) -> list[tuple[int, int, str | None]]:
    """Notebook headings: cell number as the line; ids only from raw <hN id="...">."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for number, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell.get("source", []))
        for text in source.splitlines():
            match = HEADING_RE.match(text)
            if match:
                anchor = ANCHOR_RE.search(match.group(2))
                out.append((number, len(match.group(1)), "{#" + anchor.group(1) + "}" if anchor else None))
        for anchor in HTML_ID_RE.findall(source):
            out.append((number, 2, anchor))
    return out


def anchors(path: Path) -> set[str]:
    found = {a for _, _, a in headings(path) if a}
    text = path.read_text(encoding="utf-8")
    found |= set(NAMED_ANCHOR_RE.findall(text))
    return found


def check_heading_anchors(root: Path) -> list[str]:
    """Every heading below the title carries an explicit English anchor (same in both languages)."""
    problems = []
    for path in docs_pages(root) + docs_pages(root, ".ipynb"):
        rel = path.relative_to(root).as_posix()
        for line, level, anchor in headings(path):
            if path.suffix == ".ipynb" and anchor and anchor.startswith("{#"):
                problems.append(f"{rel}: cell {line}: mkdocs-jupyter prints '{{ #id }}' literally; "
                                f'write the heading as <h{level} id="...">…</h{level}>')
            elif level >= 2 and not anchor and path.suffix == ".md":
                problems.append(f"{rel}:{line}: heading has no explicit anchor; add {{ #english-id }}")
            elif level >= 2 and path.suffix == ".ipynb" and not anchor:
                problems.append(f"{rel}: cell {line}: notebook heading needs an id: "
                                f'<h{level} id="...">…</h{level}>')
    return problems


def check_parity(root: Path) -> list[str]:
    """Both languages have every page, the same anchors, the same code and the same figures."""
    problems = []
    for path in docs_pages(root) + docs_pages(root, ".ipynb"):
        rel = path.relative_to(root).as_posix()
        language = path.relative_to(root / "docs").parts[0]
        if language not in LANGUAGES:
            continue
        twin = counterpart(path, root)
        if not twin.exists():
            problems.append(f"{rel}:1: page has no {twin.relative_to(root / 'docs').parts[0]} "
                            f"translation (expected {twin.relative_to(root).as_posix()})")
            continue
        if language != "zh":
            continue  # compare each pair once
        mine = [a for _, _, a in headings(path) if a]
        theirs = [a for _, _, a in headings(twin) if a]
        if mine != theirs:
            missing = [a for a in mine if a not in theirs] + [a for a in theirs if a not in mine]
            problems.append(f"{rel}:1: heading anchors differ from {twin.relative_to(root).as_posix()} "
                            f"(order or {missing})")
        if path.suffix == ".md":
            problems += _compare_code(root, path, twin)
        else:
            from .notebooks import code_cells
            import nbformat

            if code_cells(nbformat.read(path, as_version=4)) != code_cells(nbformat.read(twin, as_version=4)):
                problems.append(f"{rel}:1: notebook code cells differ from {twin.relative_to(root).as_posix()}")
    return problems


def _compare_code(root: Path, path: Path, twin: Path) -> list[str]:
    rel = path.relative_to(root).as_posix()
    try:
        page, other = Page(path, root), Page(twin, root)
    except DocError as error:
        return [str(error)]
    problems = []
    includes = [t.strip() for t in page.source if "--8<--" in t]
    other_includes = [t.strip() for t in other.source if "--8<--" in t]
    if includes != other_includes:
        problems.append(f"{rel}:1: includes differ from {other.rel}: {includes} vs {other_includes}")
    try:
        mine, theirs = page.blocks(), other.blocks()
        for index, (a, b) in enumerate(zip(page.signature(), other.signature())):
            if a != b:
                problems.append(f"{rel}:{mine[index].line}: code block differs from "
                                f"{other.rel}:{theirs[index].line} (only comments may be translated)")
                break
        if len(mine) != len(theirs):
            problems.append(f"{rel}:1: {len(mine)} code blocks, but {other.rel} has {len(theirs)}")
    except DocError as error:
        problems.append(str(error))
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", "\n".join(page.source))
    other_images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", "\n".join(other.source))
    if images != other_images:
        problems.append(f"{rel}:1: figures differ from {other.rel}: {images} vs {other_images}")
    return problems


def _link_lines(path: Path):
    """(line, text) to scan for links: Markdown outside fences; notebook markdown cells
    (numbered ``cell N``, since a notebook has no stable lines)."""
    if path.suffix != ".ipynb":
        yield from _outside_fences(path.read_text(encoding="utf-8").splitlines())
        return
    nb = json.loads(path.read_text(encoding="utf-8"))
    for number, cell in enumerate(nb.get("cells", []), 1):
        if cell.get("cell_type") == "markdown":
            for text in "".join(cell.get("source", [])).splitlines():
                yield f"cell {number}", text


def check_links(root: Path) -> list[str]:
    """Relative links and images resolve to a file, and #anchors to a heading there."""
    problems = []
    docs = root / "docs"
    for path in docs_pages(root) + docs_pages(root, ".ipynb"):
        rel = path.relative_to(root).as_posix()
        for number, text in _link_lines(path):
            for target in LINK_RE.findall(re.sub(r"`[^`]*`", "", text)):
                parts = urlsplit(target)
                if parts.scheme or target.startswith(("//", "mailto:")):
                    continue
                file_part, anchor = unquote(parts.path), parts.fragment
                if not file_part:
                    dest = path
                else:
                    dest = (path.parent / file_part).resolve()
                    if not dest.exists() and dest.is_relative_to(docs):
                        # ../../examples/...: published from the repository root (hooks/examples.py)
                        dest = root / dest.relative_to(docs)
                if not dest.exists():
                    problems.append(f"{rel}:{number}: broken link '{target}': no such file")
                    continue
                if anchor and dest.suffix in (".md", ".ipynb") and anchor not in anchors(dest):
                    problems.append(f"{rel}:{number}: link '{target}': "
                                    f"{dest.relative_to(root).as_posix()} has no anchor '#{anchor}'")
    return problems


def nav_pages(root: Path) -> list[str]:
    """Page paths (relative to a language folder) listed in mkdocs.yml's nav."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    found = []

    def walk(node):
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for child in node.values():
                walk(child)

    walk(config.get("nav", []))
    return [p for p in found if not urlsplit(p).scheme]


def check_glossary_terms(root: Path) -> list[str]:
    """Every term a page lists in its front matter has an entry in both glossaries."""
    problems = []
    glossaries = {lang: root / "docs" / lang / "glossary.md" for lang in LANGUAGES}
    entries = {lang: anchors(path) if path.exists() else set() for lang, path in glossaries.items()}
    for path in docs_pages(root):
        page = Page(path, root)
        for term in page.meta.get("terms", []) or []:
            for lang in LANGUAGES:
                if term not in entries[lang]:
                    problems.append(f"{page.rel}:1: term '{term}' is missing from docs/{lang}/glossary.md")
    return problems


def check_glossary_entries(root: Path) -> list[str]:
    """Every glossary entry (a ``###`` heading) links to a page of the site that explains it.

    Whether the link resolves is check_links' job; here an entry without any page link fails."""
    problems = []
    for lang in LANGUAGES:
        path = root / "docs" / lang / "glossary.md"
        if not path.exists():
            continue
        rel = path.relative_to(root).as_posix()
        entry, linked = None, False
        for number, text in list(_outside_fences(path.read_text(encoding="utf-8").splitlines())) + [(0, "## end")]:
            match = HEADING_RE.match(text)
            if match:
                if entry is not None and not linked:
                    problems.append(f"{rel}:{entry}: glossary entry links no page")
                entry, linked = (number, False) if len(match.group(1)) == 3 else (None, False)
                continue
            targets = LINK_RE.findall(text)
            if any(urlsplit(t).path.endswith((".md", ".ipynb")) and not urlsplit(t).scheme
                   for t in targets):
                linked = True
    return problems


def check_home_index(root: Path) -> list[str]:
    """Each home page links every page of the nav exactly once, and no page outside the nav."""
    problems = []
    listed = [page for page in nav_pages(root) if page != "index.md"]
    for lang in LANGUAGES:
        path = root / "docs" / lang / "index.md"
        rel = path.relative_to(root).as_posix()
        seen: dict[str, list] = {}
        for number, text in _outside_fences(path.read_text(encoding="utf-8").splitlines()):
            for target in LINK_RE.findall(text):
                page = unquote(urlsplit(target).path)
                if page.endswith((".md", ".ipynb")) and not urlsplit(target).scheme:
                    seen.setdefault(page, []).append(number)
        for page in listed:
            lines = seen.get(page, [])
            if len(lines) != 1:
                where = f" (lines {', '.join(map(str, lines))})" if lines else ""
                problems.append(f"{rel}:1: links {page} {len(lines)} times{where}, expected once")
        for page, lines in seen.items():
            if page not in listed and page != "glossary.md":
                problems.append(f"{rel}:{lines[0]}: links {page}, which is not in mkdocs.yml's nav")
    return problems
