"""A newer release of the official SDK, for the supplement (docs/spec.md): found on the
package index by pip, read unpacked (never installed: the extraction parses its
source), and pinned in spec/lock.json and pyproject.toml's dev extra.

    wheel = newest("mistralai", folder)      # pip download: the index's newest wheel
    wheel = Wheel.read(path)                  # or a wheel file at hand
    if wheel.newer_than(pin): dist = wheel.unpack(folder); ... repin(lock, wheel, pyproject)
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

# `mistralai-3.7.0-py3-none-any.whl`: the distribution and its version
_WHEEL = re.compile(r"^(?P<name>[A-Za-z0-9_.]+)-(?P<version>[^-]+)-[^-]+-[^-]+-[^-]+\.whl$")


class ReleaseError(Exception):
    """The newest release cannot be found or read (printed as is)."""


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """An order for release numbers (`3.10.0` after `3.9.1`; a pre-release, `3.8.0rc1`,
    before its release): enough for the index's published versions."""
    parts = []
    for piece in re.split(r"[.+-]", version):
        match = re.match(r"^(\d+)(.*)$", piece)
        number, rest = (int(match[1]), match[2]) if match else (-1, piece)
        parts.append((number, rest or "~"))  # "~" sorts after any pre-release tag
    return tuple(parts)


@dataclass(frozen=True)
class Wheel:
    package: str
    version: str
    path: Path
    sha256: str

    @classmethod
    def read(cls, path: Path) -> Wheel:
        match = _WHEEL.match(path.name)
        if match is None:
            raise ReleaseError(f"{path.name} is not a wheel's file name")
        return cls(
            match["name"].replace("_", "-").lower(),
            match["version"],
            path,
            hashlib.sha256(path.read_bytes()).hexdigest(),
        )

    def newer_than(self, pin: dict[str, str]) -> bool:
        return version_key(self.version) > version_key(pin["version"])

    @property
    def pin(self) -> dict[str, str]:
        """The lock's `supplement` entry for this release."""
        return {
            "package": self.package,
            "version": self.version,
            "wheel": self.path.name,
            "sha256": self.sha256,
        }

    def unpack(self, folder: Path) -> Path:
        """Unpack into `folder`; the `.dist-info` folder (its RECORD lists every file's
        sha256, which the extraction checks)."""
        with zipfile.ZipFile(self.path) as archive:
            archive.extractall(folder)
        found = sorted(folder.glob("*.dist-info"))
        if len(found) != 1:
            raise ReleaseError(f"{self.path.name}: {len(found)} .dist-info folders")
        return found[0]


def newest(package: str, folder: Path) -> Wheel:
    """The newest wheel of `package` on the index pip is configured with, downloaded
    into `folder` (pip's ordinary `download`, without dependencies)."""
    command = [sys.executable, "-m", "pip", "download", package, "--no-deps"]
    command += ["--only-binary=:all:", "--quiet", "--disable-pip-version-check", "-d", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(folder.glob("*.whl"))
    if done.returncode != 0 or len(wheels) != 1:
        raise ReleaseError(f"pip download {package}: {done.stderr.strip() or 'no wheel'}")
    return Wheel.read(wheels[0])


def repin_pyproject(text: str, wheel: Wheel) -> str:
    """pyproject.toml's text with the dev extra's `package==version` moved to `wheel`."""
    pattern = re.compile(rf'"{re.escape(wheel.package)}==[^"]+"')
    new, count = pattern.subn(f'"{wheel.package}=={wheel.version}"', text)
    if count != 1:
        raise ReleaseError(f"pyproject.toml pins {wheel.package} {count} times, not once")
    return new
