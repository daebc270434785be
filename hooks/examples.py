"""Publish the example modules with the site, so a page can link its code for download.

A page links ``../../examples/<area>/<topic>.py``; the file is served from the
repository's ``examples/`` at the same path for every language.
"""

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]


@event_priority(-200)  # after mkdocs-static-i18n rebuilt the file list
def on_files(files, config):
    for path in sorted((ROOT / "examples").rglob("*.py")):
        src_uri = path.relative_to(ROOT).as_posix()
        if files.get_file_from_path(src_uri) is None:
            files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    return files
