"""Regenerate every figure of the site from the code in examples/ (`make figures`).

An example module declares its figures in a ``FIGURES`` dict: file name -> function
that writes the PNG to the path it is given. Figures land in docs/assets/figures/.
"""

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE_DIR = ROOT / "docs" / "assets" / "figures"


def figure_generators(root: Path = ROOT) -> dict:
    """{file name: (module name, function)} over every example module."""
    sys.path.insert(0, str(root))
    found = {}
    for path in sorted((root / "examples").rglob("*.py")):
        if path.name == "__init__.py":
            continue
        module_name = ".".join(path.relative_to(root).with_suffix("").parts)
        source = path.read_text(encoding="utf-8")
        if "FIGURES" not in source:
            continue
        module = importlib.import_module(module_name)
        for name, make in getattr(module, "FIGURES", {}).items():
            if name in found:
                raise SystemExit(f"{path}: figure {name} is already made by {found[name][0]}")
            found[name] = (module_name, make)
    return found


def main(names):
    os.environ.setdefault("MPLBACKEND", "Agg")
    FIGURE_DIR.mkdir(parents=True, exist_ok=True)
    for name, (module_name, make) in figure_generators().items():
        if names and name not in names:
            continue
        make(FIGURE_DIR / name)
        print(f"{module_name}: docs/assets/figures/{name}")


if __name__ == "__main__":
    main(sys.argv[1:])
