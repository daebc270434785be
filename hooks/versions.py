"""Footer of every page: the versions its code was verified with.

Read from requirements/constraints.txt (the pins `make test` installs) at build time,
so the docs-only install never imports TensorFlow.
"""

import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWN = [("tensorflow-cpu", "TensorFlow"), ("tensorflow", "TensorFlow"), ("keras", "Keras"),
         ("numpy", "NumPy"), ("scikit-learn", "scikit-learn")]


def pinned_versions() -> dict:
    pins = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def verified_with() -> str:
    pins, parts, seen = pinned_versions(), [], set()
    for package, label in SHOWN:
        if package in pins and label not in seen:
            parts.append(f"{label} {pins[package]}")
            seen.add(label)
    parts.append(f"Python {'.'.join(platform.python_version_tuple()[:2])}")
    return ", ".join(parts)


def on_config(config):
    if "Code verified with" in (config.copyright or ""):
        return config  # mkdocs-static-i18n runs on_config again for each language
    config.copyright = f"{config.copyright}<br>代码验证环境 / Code verified with: {verified_with()}"
    return config
