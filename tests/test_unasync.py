"""The blocking twins of async runtime code (generator/unasync.py): the committed ones
are current, a stale one fails the check, the rules write what a person would, and
each twin imports on its own (before the package that re-exports it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import unasync

REPO = Path(__file__).resolve().parent.parent
BLOCKING = REPO / unasync.GENERATED / unasync.BLOCKING

ASYNC_SOURCE = '''\
"""Pings: `AsyncPinger`."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable

from ._hosts import AsyncResolver


class AsyncPinger(AsyncResolver):
    """Pings a host; a context manager."""

    async def ping(self, hosts: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
        async for host in self._each(hosts):
            yield host

    async def __aenter__(self) -> AsyncPinger:
        await self.aclose()
        return self
'''


def test_the_committed_twins_are_current() -> None:
    """What `make check-unasync` (and CI) runs; `make check-generated` checks them too."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", "unasync", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(unasync.TWINS)} blocking twins are current" in done.stdout


def test_every_twin_is_marked_generated_and_its_source_async_only() -> None:
    assert sorted(p.name for p in BLOCKING.glob("*.py")) == sorted(
        ["__init__.py", *(f"{twin.target}.py" for twin in unasync.TWINS)]
    )
    for twin in unasync.TWINS:
        text = (BLOCKING / f"{twin.target}.py").read_text(encoding="utf-8")
        assert text.startswith(unasync.HEADER.format(source=f"{unasync.PACKAGE}/{twin.source}"))
        source = (REPO / unasync.PACKAGE / twin.source).read_text(encoding="utf-8")
        assert "# --- blocking" not in source


@pytest.mark.parametrize("twin", unasync.TWINS, ids=lambda twin: twin.target)
def test_a_twin_imports_first_in_a_fresh_interpreter(twin: unasync.Twin) -> None:
    """A twin imports its source's package, which may re-export the twin's names: no
    order of imports is a cycle (the packages load their blocking names lazily)."""
    code = f"""\
import mistral_sdk._blocking.{twin.target} as twin
import {twin.module}
from mistral_sdk.batch import BatchHelpers, BatchRun
from mistral_sdk.realtime import Realtime, RealtimeSpeechConnection, RealtimeTranscriptionConnection
from mistral_sdk import ResumingStream, RunStream
assert all(hasattr(twin, name) for name in twin.__all__)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_sync_names_are_the_twins() -> None:
    from mistral_sdk import ResumingStream, RunStream
    from mistral_sdk._blocking import batch, batch_run, conversations, realtime, resume
    from mistral_sdk.batch import BatchHelpers, BatchRun
    from mistral_sdk.realtime import RealtimeSpeechConnection

    assert BatchRun is batch_run.BatchRun and BatchHelpers is batch.BatchHelpers
    assert RealtimeSpeechConnection is realtime.RealtimeSpeechConnection
    assert RunStream is conversations.RunStream and ResumingStream is resume.ResumingStream
    assert unasync.blocking_module("_workflows") == "_blocking.workflows"
    assert unasync.blocking_module("_structured") == "_structured"  # both modes by hand


def test_the_common_rules() -> None:
    text = textwrap.dedent("""\
        async def f(x: Iterable[int] | AsyncIterable[int]) -> AsyncIterator[int]:
            async with AsyncClient() as client, _AsyncLock():
                async for item in client.items():
                    yield item
                await client.send(x)
            async for item in client.items():
                yield item
                yield item
            async for item in client.items():
                yield item

                yield item

        async def __aenter__(self) -> AsyncMistral: ...
    """)
    assert unasync.unasync(text, unasync.COMMON) == textwrap.dedent("""\
        def f(x: Iterable[int]) -> Iterator[int]:
            with Client() as client, _Lock():
                yield from client.items()
                client.send(x)
            for item in client.items():
                yield item
                yield item
            for item in client.items():
                yield item

                yield item

        def __enter__(self) -> Mistral: ...
    """)


def _checkout(tmp_path: Path, files: dict[str, str]) -> Path:
    shutil.copy(REPO / "pyproject.toml", tmp_path)  # the project's ruff settings
    for rel, text in files.items():
        path = tmp_path / unasync.PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_module_twin_is_written_then_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _checkout(tmp_path, {"pkg/_async.py": ASYNC_SOURCE})
    twins = (unasync.Twin("pkg/_async.py", "pinger"),)
    assert unasync.run(root, check=True, twins=twins) == 1  # not there yet
    assert unasync.run(root, twins=twins) == 0
    blocking = root / unasync.GENERATED / unasync.BLOCKING
    assert (blocking / "__init__.py").read_text(encoding="utf-8") == unasync.PACKAGE_INIT
    written = (blocking / "pinger.py").read_text(encoding="utf-8")
    header = unasync.HEADER.format(source="runtime/mistral_sdk/pkg/_async.py")
    assert written == header + textwrap.dedent('''\
        """Pings: `Pinger`."""

        from __future__ import annotations

        from collections.abc import Iterable, Iterator

        from mistral_sdk.pkg._hosts import Resolver


        class Pinger(Resolver):
            """Pings a host; a context manager."""

            def ping(self, hosts: Iterable[str]) -> Iterator[str]:
                yield from self._each(hosts)

            def __enter__(self) -> Pinger:
                self.close()
                return self
    ''')
    capsys.readouterr()
    assert unasync.run(root, check=True, twins=twins) == 0
    source = root / unasync.PACKAGE / "pkg/_async.py"
    source.write_text(ASYNC_SOURCE.replace("Pings a host", "Pings hosts"), encoding="utf-8")
    assert unasync.run(root, check=True, twins=twins) == 1
    out, err = capsys.readouterr()
    assert '-    """Pings a host; a context manager."""' in out
    assert '+    """Pings hosts; a context manager."""' in out
    assert "stale: mistral_sdk/_blocking/pinger.py" in err
    # a twin no source makes any more goes
    (blocking / "gone.py").write_text("x = 1\n", encoding="utf-8")
    assert unasync.run(root, twins=twins) == 0
    assert not (blocking / "gone.py").exists()


def test_a_section_twin_imports_what_it_uses_of_its_module(tmp_path: Path) -> None:
    module = textwrap.dedent(f'''\
        """Waits."""

        from __future__ import annotations

        import asyncio
        from typing import TYPE_CHECKING

        from ._clock import AsyncClock, Clock, unused

        if TYPE_CHECKING:
            from ._types import AsyncWaiter, Waiter

            Seconds = float

        LIMIT = 3


        def shared(clock: AsyncClock | Clock) -> int:
            return LIMIT


        def other() -> int:
            return 1


        {unasync.ASYNC_MARK}


        async def wait(clock: AsyncClock, waiter: AsyncWaiter, seconds: Seconds) -> int:
            await asyncio.sleep(other())
            return shared(clock)
    ''')
    root = _checkout(tmp_path, {"mod.py": module})
    twins = (unasync.Twin("mod.py", "mod", rules=((r"\bother\(\)", "seconds"),)),)
    assert unasync.run(root, twins=twins) == 0
    text = (root / unasync.GENERATED / unasync.BLOCKING / "mod.py").read_text(encoding="utf-8")
    assert text == unasync.HEADER.format(source="runtime/mistral_sdk/mod.py") + textwrap.dedent('''\
        """The blocking twin of the async section of `mistral_sdk.mod`:
        `wait`.
        """

        from __future__ import annotations

        import time
        from typing import TYPE_CHECKING

        from mistral_sdk._clock import Clock
        from mistral_sdk.mod import shared

        if TYPE_CHECKING:
            from mistral_sdk._types import Waiter
            from mistral_sdk.mod import Seconds

        __all__ = ["wait"]


        def wait(clock: Clock, waiter: Waiter, seconds: Seconds) -> int:
            time.sleep(seconds)
            return shared(clock)
    ''')
    assert unasync.run(root, check=True, twins=twins) == 0


def test_a_rule_that_changes_nothing_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _checkout(tmp_path, {"pkg/_async.py": ASYNC_SOURCE})
    twins = (unasync.Twin("pkg/_async.py", "pinger", rules=((r"\bgone\b", "x"),)),)
    assert unasync.run(root, twins=twins) == 2
    assert "rules that change nothing" in capsys.readouterr().err
    assert not (root / unasync.GENERATED / unasync.BLOCKING / "pinger.py").exists()


def test_a_module_has_one_async_section_at_most(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mark = unasync.ASYNC_MARK
    root = _checkout(tmp_path, {"mod.py": f"{mark}\nasync def f() -> None: ...\n{mark}\n"})
    assert unasync.run(root, twins=(unasync.Twin("mod.py", "mod"),)) == 2
    assert "more than one ASYNC_MARK line" in capsys.readouterr().err
