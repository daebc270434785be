"""Running a page's blocks in order, in one namespace, as a reader pasting them would.

In-process by default; pages marked ``fresh_process`` run in a child interpreter
(``python -m tests.docharness.runner``) that reads the blocks as JSON on stdin.
"""

from __future__ import annotations

import contextlib
import io
import json
import linecache
import os
import re
import subprocess
import sys
import tempfile
import traceback
from dataclasses import asdict, dataclass


@dataclass
class Outcome:
    status: str  # passed | failed | skipped
    message: str = ""
    stdout: str = ""


@dataclass
class Job:
    """What the runner needs of a block: plain data, so it crosses a process boundary."""

    where: str  # page:line of the opening fence
    language: str
    code: str
    origins: list[str]  # one per code line: "file:line" or "file:line (region 'r')"
    skip_reason: str | None = None
    expected_output: str | None = None
    ignore_whitespace: bool = False


def _format_exception(job: Job, filename: str, exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f"{job.where}: block raised {type(exc).__name__}: {exc}"]
    for frame in frames:
        if frame.filename == filename and frame.lineno and frame.lineno <= len(job.origins):
            origin = job.origins[frame.lineno - 1]
            lines.append(f"  at block line {frame.lineno} -> {origin}: {frame.line}")
    lines.append("")
    lines.append("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())
    return "\n".join(lines)


def _check_output(job: Job, output: str) -> str | None:
    if job.expected_output is None:
        return None
    expected, actual = job.expected_output, output
    if job.ignore_whitespace:
        expected, actual = re.sub(r"\s+", "", expected), re.sub(r"\s+", "", actual)
    if expected != actual:
        return (f"{job.where}: printed output differs from the output shown on the page\n"
                f"--- shown on the page\n{job.expected_output}--- printed\n{output}")
    return None


@contextlib.contextmanager
def isolated(workdir: str):
    """Whatever a page changes globally is put back: cwd, NumPy print options, eager mode, Keras."""
    cwd = os.getcwd()
    numpy = sys.modules.get("numpy")
    printoptions = numpy.get_printoptions() if numpy else None
    os.chdir(workdir)
    keras = sys.modules.get("keras")
    if keras is not None:
        # A page starts as a fresh Python would: auto-generated names (dense_1, ...) count
        # from zero even if a unit test on this worker built models before it.
        keras.backend.clear_session()
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        # ... and without a global TF seed: an earlier page's tf.random.set_seed (or
        # keras.utils.set_random_seed) would change what seeded ops and tf.data shuffles draw.
        tf.random.set_seed(None)
    try:
        yield
    finally:
        os.chdir(cwd)
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            if printoptions:
                numpy.set_printoptions(**printoptions)
            else:
                numpy.set_printoptions(edgeitems=3, infstr="inf", linewidth=75, nanstr="nan",
                                       precision=8, suppress=False, threshold=1000,
                                       formatter=None, sign="-", floatmode="maxprec", legacy=False)
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        tf = sys.modules.get("tensorflow")
        if tf is not None:
            if not tf.executing_eagerly():
                raise RuntimeError("a page switched eager execution off: use tf.Graph() + "
                                   "tf.compat.v1.Session(graph=...) instead")
            tf.keras.backend.clear_session()


def run_jobs(jobs: list[Job], namespace: dict | None = None) -> tuple[list[Outcome], dict]:
    """Run blocks in order in one namespace; a failure marks the later blocks as not run."""
    namespace = {"__name__": "__docs__"} if namespace is None else namespace
    outcomes: list[Outcome] = []
    broken = None
    with tempfile.TemporaryDirectory(prefix="docblock-") as workdir, isolated(workdir):
        for number, job in enumerate(jobs):
            if job.skip_reason is not None:
                outcomes.append(Outcome("skipped", job.skip_reason))
                continue
            if broken:
                outcomes.append(Outcome("failed", f"{job.where}: not run, because the block at "
                                                  f"{broken} failed first"))
                continue
            buffer = io.StringIO()
            if job.language == "python":
                filename = f"<doc {job.where}>"
                linecache.cache[filename] = (len(job.code), None, job.code.splitlines(True), filename)
                try:
                    compiled = compile(job.code, filename, "exec")
                    with contextlib.redirect_stdout(buffer):
                        exec(compiled, namespace)
                except KeyboardInterrupt:
                    raise
                except BaseException as exc:  # noqa: BLE001 - SystemExit too: report it with lines
                    outcomes.append(Outcome("failed", _format_exception(job, filename, exc), buffer.getvalue()))
                    broken = job.where
                    continue
            else:
                result = subprocess.run(job.code, shell=True, capture_output=True, text=True,
                                        executable="/bin/bash" if job.language == "bash" else None)
                buffer.write(result.stdout)
                if result.returncode:
                    outcomes.append(Outcome("failed", f"{job.where}: shell block exited "
                                                      f"{result.returncode}\n{result.stderr}", result.stdout))
                    broken = job.where
                    continue
            mismatch = _check_output(job, buffer.getvalue())
            if mismatch:
                outcomes.append(Outcome("failed", mismatch, buffer.getvalue()))
                broken = job.where
            else:
                outcomes.append(Outcome("passed", "", buffer.getvalue()))
    return outcomes, namespace


def run_jobs_in_subprocess(jobs: list[Job], root: str, timeout: float) -> list[Outcome]:
    """The same, in a fresh interpreter (for pages that must configure TF before any op)."""
    harness_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [root, harness_root, os.environ.get("PYTHONPATH", "")])))
    result = subprocess.run(
        [sys.executable, "-m", "tests.docharness.runner"],
        input=json.dumps([asdict(job) for job in jobs]), capture_output=True, text=True,
        cwd=root, env=env, timeout=timeout,
    )
    marker = "\n@@DOC-OUTCOMES@@\n"
    if marker not in result.stdout:
        where = jobs[0].where if jobs else "?"
        return [Outcome("failed", f"{where}: the fresh interpreter died (exit {result.returncode})\n"
                                  f"{result.stderr[-4000:]}")] * len(jobs)
    payload = result.stdout.split(marker, 1)[1]
    return [Outcome(**item) for item in json.loads(payload)]


def _main() -> None:
    jobs = [Job(**item) for item in json.loads(sys.stdin.read())]
    outcomes, _ = run_jobs(jobs)
    sys.stdout.write("\n@@DOC-OUTCOMES@@\n" + json.dumps([asdict(o) for o in outcomes]))


if __name__ == "__main__":
    _main()
