"""The blocking twins of async runtime code (scripts/unasync.py): the committed ones
are current, a stale one fails the check, and the rules write what a person would."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import unasync  # noqa: E402

ASYNC_SOURCE = '''\
"""Pings: `AsyncPinger`."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable


class AsyncPinger:
    """Pings a host; a context manager."""

    async def ping(self, hosts: Iterable[str] | AsyncIterable[str]) -> AsyncIterator[str]:
        async for host in self._each(hosts):
            yield host

    async def __aenter__(self) -> AsyncPinger:
        await self.aclose()
        return self
'''


def test_the_committed_twins_are_current() -> None:
    """What `make check-unasync` (and CI) runs."""
    done = subprocess.run(
        [sys.executable, "scripts/unasync.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(unasync.TWINS)} blocking twins are current" in done.stdout


def test_every_twin_is_marked_generated() -> None:
    for twin in unasync.TWINS:
        if twin.target is not None:
            text = (REPO / unasync.PACKAGE / twin.target).read_text(encoding="utf-8")
            assert text.startswith(unasync.HEADER.format(source=Path(twin.source).name))
        else:
            text = (REPO / unasync.PACKAGE / twin.source).read_text(encoding="utf-8")
            assert unasync.SYNC_MARK in text.splitlines()


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
    twins = (unasync.Twin("pkg/_async.py", "pkg/_sync.py"),)
    assert unasync.run(root, check=True, twins=twins) == 1  # not there yet
    assert unasync.run(root, twins=twins) == 0
    written = (root / unasync.PACKAGE / "pkg/_sync.py").read_text(encoding="utf-8")
    assert written == unasync.HEADER.format(source="_async.py") + textwrap.dedent('''\
        """Pings: `Pinger`."""

        from __future__ import annotations

        from collections.abc import Iterable, Iterator


        class Pinger:
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
    assert "stale: runtime/mistral_sdk/pkg/_sync.py" in err


def test_a_section_twin_follows_its_async_section(tmp_path: Path) -> None:
    module = textwrap.dedent(f"""\
        import time


        def shared() -> int:
            return 1


        {unasync.ASYNC_MARK}


        async def wait() -> int:
            await asyncio.sleep(other())
            return shared()


        {unasync.SYNC_MARK}
    """)
    root = _checkout(tmp_path, {"mod.py": module})
    twins = (unasync.Twin("mod.py", rules=((r"\bother\(\)", "1"),)),)
    assert unasync.run(root, twins=twins) == 0
    text = (root / unasync.PACKAGE / "mod.py").read_text(encoding="utf-8")
    assert text == module + "\n\ndef wait() -> int:\n    time.sleep(1)\n    return shared()\n"
    assert unasync.run(root, check=True, twins=twins) == 0


def test_a_rule_that_changes_nothing_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _checkout(tmp_path, {"pkg/_async.py": ASYNC_SOURCE})
    twins = (unasync.Twin("pkg/_async.py", "pkg/_sync.py", rules=((r"\bgone\b", "x"),)),)
    assert unasync.run(root, twins=twins) == 2
    assert "rules that change nothing" in capsys.readouterr().err
    assert not (root / unasync.PACKAGE / "pkg/_sync.py").exists()


def test_a_section_twin_needs_both_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _checkout(tmp_path, {"mod.py": f"{unasync.ASYNC_MARK}\nasync def f() -> None: ...\n"})
    assert unasync.run(root, twins=(unasync.Twin("mod.py"),)) == 2
    assert "needs one ASYNC_MARK line, then one SYNC_MARK line" in capsys.readouterr().err
