"""Reading a page as the site renders it: includes expanded, fences found, blocks mapped back."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import markdown
import yaml
from pytest_codeblocks import extract_from_buffer

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

# Fence info strings a reader sees as Python, and which of them we execute.
EXECUTED_PYTHON = {"python", "py", "python3", "py3"}
PYTHON_LIKE = EXECUTED_PYTHON | {"pycon", "ipython", "ipython3", "python-repl", "pyodide"}
SHELL = {"bash", "sh"}

FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})(?P<info>.*)$")
MARKER_RE = re.compile(r"^\s*<!--[-\s]*(?P<body>pytest[.-].*?)\s*-->\s*$")
CODEBLOCKS_KEYWORDS = {"cont", "expected-output", "expected-output-ignore-whitespace"}
ALLOWED_MARKS = {"skip", "fresh_process"}
INCLUDE_RE = re.compile(r"""^(?P<indent>\s*)-{1,}8<-{1,}\s+(?P<quote>["'])(?P<target>[^"']+)(?P=quote)\s*$""")
BLOCK_INCLUDE_RE = re.compile(r"^\s*-{1,}8<-{1,}\s*$")


class DocError(Exception):
    """A problem in a page, reported as ``path:line: message``."""

    def __init__(self, path, line, message):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{self.path}:{self.line}: {message}")


@dataclass
class Origin:
    """Where a line of the expanded page comes from."""

    path: str
    line: int
    region: str | None = None

    def __str__(self):
        where = f"{self.path}:{self.line}"
        return f"{where} (region '{self.region}')" if self.region else where


@dataclass
class Fence:
    start: int  # 1-based line of the opening fence in the expanded page
    info: str
    body_lines: list[int]  # 1-based expanded-page lines of the body

    @property
    def language(self) -> str:
        word = self.info.strip().lstrip("{").split()[0] if self.info.strip() else ""
        return word.lstrip(".").lower().rstrip("}")


@dataclass
class Block:
    """One executable unit: a fence, plus any ``cont`` fences merged into it."""

    page: "Page"
    index: int
    language: str  # "python" or "bash"/"sh"
    code: str
    fences: list[Fence]
    marks: list[str] = field(default_factory=list)
    expected_output: str | None = None
    ignore_whitespace: bool = False

    @property
    def line(self) -> int:
        """Line of the opening fence in the page source."""
        return self.page.origin(self.fences[0].start).line

    @property
    def code_origins(self) -> list[Origin]:
        return [self.page.origin(n) for fence in self.fences for n in fence.body_lines]

    def skip_reason(self) -> str | None:
        for mark in self.marks:
            match = re.match(r"pytest\.mark\.skip\((.*)\)$", mark.strip())
            if match:
                return _reason(match.group(1))
        return None

    def where(self) -> str:
        return f"{self.page.rel}:{self.line}"


def _reason(args: str) -> str:
    match = re.search(r"""reason\s*=\s*(["'])(.*?)\1""", args)
    return match.group(2).strip() if match else ""


@lru_cache(maxsize=None)
def snippets_config(root: Path) -> dict:
    """pymdownx.snippets' settings from mkdocs.yml, so we expand includes as the site does."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    for ext in config.get("markdown_extensions", []):
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            settings = dict(ext["pymdownx.snippets"] or {})
            break
    else:
        settings = {}
    settings["base_path"] = [str(root / p) for p in settings.get("base_path", ["."])]
    settings["check_paths"] = True
    return settings


def _snippet_preprocessor(root: Path):
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": snippets_config(root)},
    )
    return md.preprocessors["snippet"]


def _region_start(path: Path, region: str) -> int:
    """1-based line of the ``[start:region]`` marker in an included file."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.search(rf"--8<--\s*\[start:{re.escape(region)}\]", text):
            return number
    return 0


def _included_origins(root: Path, target: str, count: int) -> list[Origin]:
    """Origins of the ``count`` lines an include produced (region markers are stripped)."""
    name, _, region = target.partition(":")
    region = region or None
    if region and not region.isdigit() and not re.match(r"^\d+(:\d+)?$", region):
        path = root / name
        lines = path.read_text(encoding="utf-8").splitlines()
        origins, number = [], _region_start(path, region)
        while len(origins) < count and number < len(lines):
            number += 1
            if "--8<-- [" not in lines[number - 1]:
                origins.append(Origin(name, number, region))
        return origins + [Origin(name, 0, region)] * (count - len(origins))
    first = int(region.split(":")[0]) if region else 1
    return [Origin(name, first + i) for i in range(count)]


class Page:
    """A Markdown page as the site renders it."""

    def __init__(self, path: Path, root: Path):
        self.path, self.root = Path(path), Path(root)
        self.rel = self.path.relative_to(self.root).as_posix()
        parts = self.path.relative_to(self.root / "docs").parts
        self.language = parts[0] if parts[0] in LANGUAGES else None
        self.slug = "/".join(parts[1:]) if self.language else "/".join(parts)
        self.source = self.path.read_text(encoding="utf-8").splitlines()
        self.lines, self._origins = self._expand()

    # -- includes -------------------------------------------------------
    def _expand(self):
        preprocessor = None
        lines, origins = [], []
        in_front_matter = False
        for number, text in enumerate(self.source, 1):
            if number == 1 and text.strip() == "---":
                in_front_matter = True
            elif in_front_matter and text.strip() == "---":
                in_front_matter = False
            if BLOCK_INCLUDE_RE.match(text) and not in_front_matter:
                raise DocError(self.rel, number, 'block-style "--8<--" includes are not supported: write one include per line')
            match = INCLUDE_RE.match(text)
            if not match:
                lines.append(text)
                origins.append(Origin(self.rel, number))
                continue
            target = match.group("target")
            preprocessor = preprocessor or _snippet_preprocessor(self.root)
            try:
                expanded = preprocessor.run([text])
            except Exception as exc:  # SnippetMissingError and friends
                raise DocError(self.rel, number, f"include {target!r} failed: {exc}") from None
            lines.extend(expanded)
            for origin in _included_origins(self.root, target, len(expanded)):
                origin.path = origin.path
                origins.append(origin)
        return lines, origins

    def origin(self, expanded_line: int) -> Origin:
        return self._origins[expanded_line - 1]

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    # -- front matter ---------------------------------------------------
    @property
    def meta(self) -> dict:
        if self.source and self.source[0].strip() == "---":
            end = self.source.index("---", 1) if "---" in self.source[1:] else 0
            return yaml.safe_load("\n".join(self.source[1:end])) or {}
        return {}

    # -- fences ---------------------------------------------------------
    def fences(self) -> list[Fence]:
        fences, open_fence = [], None
        for number, text in enumerate(self.lines, 1):
            match = FENCE_RE.match(text)
            if open_fence is None:
                if match and not match.group("info").strip().startswith(("`", "~")):
                    open_fence = (number, match.group("ticks"), match.group("info"), [])
                continue
            start, ticks, info, body = open_fence
            if match and match.group("ticks").startswith(ticks) and not match.group("info").strip():
                fences.append(Fence(start, info, body))
                open_fence = None
            else:
                body.append(number)
        if open_fence:
            raise DocError(self.rel, self.origin(open_fence[0]).line, "code fence is never closed")
        return fences

    def markers(self):
        """(expanded line, marker text) for every pytest marker comment."""
        for number, text in enumerate(self.lines, 1):
            match = MARKER_RE.match(text)
            if match:
                yield number, match.group("body")

    def validate_markers(self):
        for number, body in self.markers():
            line = self.origin(number).line
            if body.startswith("pytest-codeblocks:"):
                keyword = body.split(":", 1)[1].strip("- ")
                if keyword not in CODEBLOCKS_KEYWORDS:
                    raise DocError(self.rel, line, f"unknown or deprecated marker <!--{body}-->; "
                                   f"allowed: {', '.join(sorted(CODEBLOCKS_KEYWORDS))}, "
                                   'pytest.mark.skip(reason="..."), pytest.mark.fresh_process')
            elif body.startswith("pytest.mark."):
                name = re.match(r"pytest\.mark\.(\w+)", body)
                if not name or name.group(1) not in ALLOWED_MARKS:
                    raise DocError(self.rel, line, f"unknown marker <!--{body}-->; allowed: "
                                   'pytest.mark.skip(reason="..."), pytest.mark.fresh_process')
                if name.group(1) == "skip" and not _reason(body[len("pytest.mark.skip"):]):
                    raise DocError(self.rel, line, 'a skip needs a reason a reader accepts: '
                                   '<!--pytest.mark.skip(reason="needs a GPU")-->')
            else:
                raise DocError(self.rel, line, f"unknown marker <!--{body}-->")

    def blocks(self) -> list[Block]:
        """Executable blocks, via pytest-codeblocks on a normalised copy of the page."""
        self.validate_markers()
        fences = self.fences()
        normalised = list(self.lines)
        for fence in fences:
            if fence.language in EXECUTED_PYTHON:
                text = normalised[fence.start - 1]
                match = FENCE_RE.match(text)
                normalised[fence.start - 1] = match.group("indent") + match.group("ticks") + "python"
        try:
            engine_blocks = extract_from_buffer(io.StringIO("\n".join(normalised) + "\n"))
        except RuntimeError as exc:
            raise DocError(self.rel, 1, f"pytest-codeblocks: {exc}") from None
        by_start = {fence.start: i for i, fence in enumerate(fences)}
        blocks = []
        for engine_block in engine_blocks:
            language = engine_block.syntax.strip()
            if language not in {"python"} | SHELL:
                continue
            first = by_start[engine_block.lineno]
            merged, code = [fences[first]], self._fence_code(fences[first])
            following = first + 1
            while code != engine_block.code and following < len(fences):
                merged.append(fences[following])
                code += self._fence_code(fences[following])
                following += 1
            blocks.append(Block(
                page=self, index=len(blocks), language=language, code=engine_block.code,
                fences=merged, marks=list(engine_block.marks),
                expected_output=engine_block.expected_output,
                ignore_whitespace=engine_block.expected_output_ignore_whitespace,
            ))
        return blocks

    def _fence_code(self, fence: Fence) -> str:
        opening = self.lines[fence.start - 1]
        indent = len(opening) - len(opening.lstrip())
        out = []
        for n in fence.body_lines:
            line = self.lines[n - 1]
            strip = min(indent, len(line) - len(line.lstrip()))
            out.append(line[strip:] + "\n")
        return "".join(out)

    def signature(self) -> list[tuple]:
        """What must match between languages: code without comments, marks, expected output."""
        return [
            (b.language, strip_comments(b.code) if b.language == "python" else b.code.strip(),
             tuple(b.marks), b.expected_output)
            for b in self.blocks()
        ]


def strip_comments(code: str) -> str:
    """Python code with comments and blank lines removed (comments may be translated)."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline)
                  if t.type != tokenize.COMMENT]
        code = tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        code = "\n".join(line.split("#", 1)[0] for line in code.splitlines())
    return "\n".join(line.rstrip() for line in code.splitlines() if line.strip())


def docs_pages(root: Path, suffix: str = ".md") -> list[Path]:
    return sorted(p for p in (root / "docs").rglob(f"*{suffix}") if ".ipynb_checkpoints" not in p.parts)


def counterpart(path: Path, root: Path) -> Path | None:
    rel = path.relative_to(root / "docs").parts
    if rel[0] not in LANGUAGES:
        return None
    other = "en" if rel[0] == "zh" else "zh"
    return root / "docs" / other / Path(*rel[1:])
