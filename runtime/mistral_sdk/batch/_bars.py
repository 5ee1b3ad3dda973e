"""`progress_bar()`: a ready-made progress callback drawn with rich or tqdm when one of
them is installed (neither is a dependency), else one plain line per stage change."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any, Literal, TextIO

from .._errors import MistralError
from .._progress import Progress

__all__ = ["ProgressBar", "progress_bar"]

_LABELS = {"upload": "upload", "job": "requests", "download": "download"}


class ProgressBar:
    """A progress callback showing one bar per stage (upload, job requests, download).

    Use it as a context manager so that the bars close: `with progress_bar() as bar:
    client.batch.run(..., progress=bar)`.
    """

    def __init__(
        self, backend: Literal["rich", "tqdm", "text"], stream: TextIO | None = None
    ) -> None:
        self.backend = backend
        self._stream = stream or sys.stderr
        self._bars: dict[str, Any] = {}
        self._rich: Any = None
        self._last: dict[str, tuple[int, str | None]] = {}

    def __call__(self, progress: Progress) -> None:
        label = _LABELS.get(progress.stage, progress.stage)
        if progress.stage == "job" and progress.status:
            label = f"requests [{progress.status}] ok {progress.succeeded} failed {progress.failed}"
        if self.backend == "rich":
            self._draw_rich(progress, label)
        elif self.backend == "tqdm":
            self._draw_tqdm(progress, label)
        else:
            self._draw_text(progress, label)

    def _draw_rich(self, progress: Progress, label: str) -> None:
        if self._rich is None:
            from rich.progress import Progress as RichProgress  # type: ignore[import-not-found, unused-ignore]

            self._rich = RichProgress(transient=False)
            self._rich.start()
        task = self._bars.get(progress.stage)
        if task is None:
            task = self._bars[progress.stage] = self._rich.add_task(label, total=progress.total)
        self._rich.update(
            task, completed=progress.completed, total=progress.total, description=label
        )

    def _draw_tqdm(self, progress: Progress, label: str) -> None:
        from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

        bar = self._bars.get(progress.stage)
        if bar is None:
            bar = self._bars[progress.stage] = tqdm(
                total=progress.total, desc=label, file=self._stream
            )
        bar.total = progress.total
        bar.set_description(label, refresh=False)
        bar.n = progress.completed
        bar.refresh()

    def _draw_text(self, progress: Progress, label: str) -> None:
        # a line when the stage's status changes or at each tenth, not for every chunk
        tenth = int((progress.fraction or 0.0) * 10)
        key = (tenth, progress.status)
        if self._last.get(progress.stage) == key:
            return
        self._last[progress.stage] = key
        total = "?" if progress.total is None else str(progress.total)
        print(f"{label}: {progress.completed}/{total}", file=self._stream, flush=True)

    def close(self) -> None:
        for bar in self._bars.values():
            if self.backend == "tqdm":
                bar.close()
        if self._rich is not None:
            self._rich.stop()
        self._bars.clear()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def progress_bar(
    backend: Literal["auto", "rich", "tqdm", "text"] = "auto", *, stream: TextIO | None = None
) -> ProgressBar:
    """A progress callback: rich if installed,
    else tqdm, else plain text lines. Asking for one that is not installed is an error."""
    if backend == "auto":
        if importlib.util.find_spec("rich") is not None:
            backend = "rich"
        elif importlib.util.find_spec("tqdm") is not None:
            backend = "tqdm"
        else:
            backend = "text"
    elif backend in ("rich", "tqdm") and importlib.util.find_spec(backend) is None:
        hint = f"pip install {backend}"
        raise MistralError(f"progress_bar({backend!r}) needs the {backend} package: {hint}")
    if backend not in ("rich", "tqdm", "text"):
        raise ValueError(f"progress_bar: unknown backend {backend!r}")
    return ProgressBar(backend, stream)
