"""Notebooks: executed by the tests, and their committed outputs compared with a fresh run."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import nbformat
import pytest

from .pages import DEFAULT_LANGUAGE, counterpart, strip_comments

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
CELL_TIMEOUT = 300


def code_cells(nb) -> list[str]:
    return [strip_comments(cell.source) for cell in nb.cells if cell.cell_type == "code"]


def text_outputs(cell) -> list[str]:
    """What a reader reads in a cell's output: streams and text results, images as a token."""
    out = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            prefix = f"{output.get('name')}: "
            if out and isinstance(out[-1], str) and out[-1].startswith(prefix):
                out[-1] += text  # the kernel splits one stream into chunks as timing allows
            else:
                out.append(prefix + text)
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "image/png" in data or "image/svg+xml" in data:
                out.append("<image>")
            elif "text/plain" in data:
                out.append(data["text/plain"])
        elif kind == "error":
            out.append(f"error: {output.get('ename')}")
    return [ADDRESS.sub("0x…", "".join(text) if isinstance(text, list) else text) for text in out]


def execute(path: Path, root: Path):
    """Run a notebook in a temporary directory with the repository importable; return it."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "MPLBACKEND")}
    # The kernel inherits our environment: make `examples` importable, and let
    # ipykernel pick its inline backend so figures become outputs.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), saved["PYTHONPATH"]]))
    os.environ.pop("MPLBACKEND", None)
    try:
        with tempfile.TemporaryDirectory(prefix="notebook-") as workdir:
            client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                    allow_errors=False, resources={"metadata": {"path": workdir}})
            try:
                client.execute()
            except CellExecutionError as error:
                index = next((i for i, cell in enumerate(nb.cells)
                              if any(o.get("output_type") == "error" for o in cell.get("outputs", []))), -1)
                raise NotebookFailure(f"{path.relative_to(root)}: cell {index + 1} raised:\n{error}") from None
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return nb


def compare(committed_path: Path, fresh, root: Path) -> list[str]:
    committed = nbformat.read(committed_path, as_version=4)
    problems = []
    fresh_cells = [c for c in fresh.cells if c.cell_type == "code"]
    for number, (old, new) in enumerate(zip([c for c in committed.cells if c.cell_type == "code"], fresh_cells), 1):
        if text_outputs(old) != text_outputs(new):
            problems.append(f"{committed_path.relative_to(root)}: code cell {number}: committed output "
                            f"{text_outputs(old)!r} != fresh run {text_outputs(new)!r} "
                            "(run `make notebooks` to refresh)")
    return problems


class NotebookFailure(Exception):
    pass


class NotebookPage(pytest.File):
    def collect(self):
        root = Path(self.config.rootpath)
        language = self.path.relative_to(root / "docs").parts[0]
        twin = counterpart(self.path, root)
        if language != DEFAULT_LANGUAGE and twin and twin.exists():
            if code_cells(nbformat.read(twin, as_version=4)) == code_cells(nbformat.read(self.path, as_version=4)):
                return  # same code: executed once, with the default-language notebook
        item = NotebookItem.from_parent(self, name="notebook")
        item.add_marker(pytest.mark.xdist_group(self.path.stem))
        yield item


class NotebookItem(pytest.Item):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user_properties.append(("notebook", "executed"))

    def runtest(self):
        root = Path(self.config.rootpath)
        fresh = execute(self.path, root)
        problems = compare(self.path, fresh, root)
        twin = counterpart(self.path, root)
        if twin and twin.exists() and code_cells(nbformat.read(twin, as_version=4)) == code_cells(fresh):
            problems += compare(twin, fresh, root)
        if problems:
            raise NotebookFailure("\n".join(problems))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, NotebookFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}: notebook"
