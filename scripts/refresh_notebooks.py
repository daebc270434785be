"""Execute every notebook under docs/ and save it with fresh outputs (`make notebooks`).

The tests run the notebooks again and fail if the committed outputs drift from a fresh run.
"""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.docharness.notebooks import execute  # noqa: E402


def clean(nb):
    """Keep what a reader needs; drop per-run noise so diffs stay small."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).clear() if "metadata" in output else None
    return nb


def main(paths):
    targets = [Path(p) for p in paths] or sorted((ROOT / "docs").rglob("*.ipynb"))
    for path in targets:
        print(f"executing {path.relative_to(ROOT)}")
        nbformat.write(clean(execute(path.resolve(), ROOT)), path)


if __name__ == "__main__":
    main(sys.argv[1:])
