"""The former model names at run time: each warns, naming its new name, and is it."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

import mistral_sdk
from mistral_sdk import models
from mistral_sdk.models import _deprecated


@pytest.mark.parametrize("old", sorted(_deprecated.RENAMED))
def test_every_former_name_is_its_new_model_with_a_warning(old: str) -> None:
    new = _deprecated.RENAMED[old]
    with pytest.warns(DeprecationWarning) as caught:
        value = getattr(models, old)
    assert value is (str if new == "str" else getattr(models, new))
    message = str(caught[0].message)
    assert old in message and (new if new == "str" else f"mistral_sdk.models.{new}") in message
    assert _deprecated.REMOVED_IN in message


def test_the_warning_points_at_the_line_that_uses_the_old_name() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from mistral_sdk.models import ChatCompletionRequestTools0Item  # noqa: F401
    assert caught[0].filename == __file__
    assert "use mistral_sdk.models.ChatCompletionRequestTool" in str(caught[0].message)


def test_a_former_name_warns_every_time_it_is_read() -> None:
    """Not cached in the module: each use site is told (the filter shows each once)."""
    for _ in range(2):
        with pytest.warns(DeprecationWarning):
            models.ChatCompletionRequestMessagesItem  # noqa: B018


def test_names_that_never_existed_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match=r"'mistral_sdk\.models' has no attribute 'Nope'"):
        models.Nope  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError, match=r"'mistral_sdk' has no attribute 'NoSuchThing'"):
        mistral_sdk.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    assert not hasattr(models, "DoesNotExistAtAll")


def test_current_names_load_without_the_former_ones() -> None:
    """Lazy loading stays: a model, the client and dir() never import the aliases."""
    code = (
        "import sys, mistral_sdk; from mistral_sdk import models\n"
        "models.ChatCompletionResponse; mistral_sdk.Mistral; dir(models)\n"
        "print('mistral_sdk.models._deprecated' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
