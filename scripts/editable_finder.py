"""The import hook of a checkout's editable install (`pip install -e .`, `make venv`).

The build hook (hatch_build.py) copies this file into site-packages as
`_mistral_sdk_editable.py`, next to a .pth line that calls `install()` with the
checkout's two halves at interpreter start. Standard library only.

In a checkout, `mistral_sdk` lives in two directories: runtime/mistral_sdk (written by
hand) and generated/mistral_sdk (written by the generator). The wheel holds one
directory with the files of both and needs nothing of this. Here, `import mistral_sdk`
gets one package whose `__path__` is exactly those two directories:

- nothing else can join the package: a `mistral_sdk/` directory in the working
  directory, or anywhere on `sys.path`, adds no module to it;
- a module added to either half imports at once: there is nothing to rebuild;
- a tree written by `python -m generator generate --out DIR`, put first on `sys.path`,
  replaces the generated half (the generator's contract: `import mistral_sdk` then
  loads that SDK), joined with this checkout's runtime;
- a whole other `mistral_sdk` package (one with the runtime's modules) first on
  `sys.path` wins, as Python's own import would have it.
"""

import os
import sys

# The import system's own classes, as the interpreter has them loaded already: this
# module runs at the start of every interpreter of the virtualenv, so it imports
# nothing that is not (importlib.machinery and importlib.util cost milliseconds).
try:
    from _frozen_importlib_external import PathFinder, spec_from_file_location
except ImportError:  # another implementation of Python
    from importlib.machinery import PathFinder
    from importlib.util import spec_from_file_location

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from importlib.machinery import ModuleSpec
    from types import ModuleType

NAME = "mistral_sdk"
# A module of the hand-written half: a package directory holding it is a whole package.
RUNTIME_MODULE = "_client.py"


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


class EditableFinder:
    """Finds `mistral_sdk` as the generated half joined with the runtime half."""

    def __init__(self, generated: str, runtime: str, also_ours: "Sequence[str]" = ()) -> None:
        self.generated = generated
        self.runtime = runtime
        # the generated half, and the type checkers' view of both (build/editable)
        self._ours = {_key(generated), *map(_key, also_ours)}

    def find_spec(
        self,
        fullname: str,
        path: "Sequence[str] | None" = None,
        target: "ModuleType | None" = None,
    ) -> "ModuleSpec | None":
        if fullname != NAME:
            return None
        generated = self.generated
        # Python's own answer: the first regular package on sys.path (None, or a
        # namespace package without __init__.py, when there is none)
        found = PathFinder.find_spec(fullname)
        if found is not None and found.has_location and found.submodule_search_locations:
            where = found.submodule_search_locations[0]
            if _key(where) not in self._ours:
                if os.path.isfile(os.path.join(where, RUNTIME_MODULE)):
                    return found
                generated = where
        return spec_from_file_location(
            NAME,
            os.path.join(generated, "__init__.py"),
            submodule_search_locations=[generated, self.runtime],
        )

    def __repr__(self) -> str:
        return f"<EditableFinder {NAME}: {self.generated} + {self.runtime}>"


def install(generated: str, runtime: str, *also_ours: str) -> EditableFinder:
    """Put the finder first on `sys.meta_path` (replacing an earlier one)."""
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != EditableFinder.__name__]
    finder = EditableFinder(generated, runtime, also_ours)
    sys.meta_path.insert(0, finder)
    return finder
