"""MistralGCP / AsyncMistralGCP: the Vertex URL of each call, google-auth
credentials refreshed (in a worker thread on the async client), project
detection, and the missing-extra error, sync and async."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import google.auth
import google.auth.transport
import pytest
from deploy_helpers import Cloud, FakeCredentials, call, make

from mistral_sdk import MistralError, models
from mistral_sdk._deployment import UnsupportedOperationError
from mistral_sdk.gcp import AsyncMistralGCP, MistralGCP

MESSAGES = [{"role": "user", "content": "hi"}]
HOST = "https://europe-west4-aiplatform.googleapis.com"
MODEL_URL = f"{HOST}/v1/projects/proj-1/locations/europe-west4/publishers/mistralai/models"


def vertex(mode: str, cloud: Cloud, **kw: Any) -> Any:
    if "access_token" not in kw:
        kw.setdefault("credentials", FakeCredentials())
    kw.setdefault("project_id", "proj-1")
    return make(mode, MistralGCP, AsyncMistralGCP, cloud, **kw)


def test_each_call_goes_to_its_models_vertex_url(mode: str) -> None:
    cloud = Cloud()
    client = vertex(mode, cloud)
    reply = call(client, lambda c: c.chat.complete(model="mistral-small-2503", messages=MESSAGES))
    events = call(client, lambda c: c.chat.stream(model="mistral-small-2503", messages=MESSAGES))
    call(client, lambda c: c.fim.complete(model="codestral-2501", prompt="def f("))
    call(client, lambda c: c.fim.stream(model="codestral-2501", prompt="def f("))
    page = call(
        client,
        lambda c: c.ocr.process(
            model="mistral-ocr-2505",
            document={"type": "document_url", "document_url": "https://d"},
        ),
    )
    assert isinstance(reply, models.ChatCompletionResponse)
    assert [e.data.choices[0].delta.content for e in events] == ["hi"]
    assert isinstance(page, models.OCRResponse)
    assert cloud.urls == [
        f"{MODEL_URL}/mistral-small-2503:rawPredict",
        f"{MODEL_URL}/mistral-small-2503:streamRawPredict",
        f"{MODEL_URL}/codestral-2501:rawPredict",
        f"{MODEL_URL}/codestral-2501:streamRawPredict",
        f"{MODEL_URL}/mistral-ocr-2505:rawPredict",
    ]
    assert [b["model"] for b in cloud.bodies][:2] == ["mistral-small-2503"] * 2
    assert cloud.bodies[1]["stream"] is True
    assert {r.headers["authorization"] for r in cloud.requests} == {"Bearer ya29.token-1"}


def test_model_name_cannot_reshape_the_url(mode: str) -> None:
    cloud = Cloud()
    client = vertex(mode, cloud)
    call(client, lambda c: c.chat.complete(model="../../x@2407", messages=MESSAGES))
    assert cloud.urls == [f"{MODEL_URL}/..%2F..%2Fx%402407:rawPredict"]


def test_expired_credentials_are_refreshed(mode: str) -> None:
    cloud = Cloud()
    credentials = FakeCredentials()
    client = vertex(mode, cloud, credentials=credentials)
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))  # still valid
    credentials.valid = False  # expired
    call(client, lambda c: c.chat.stream(model="m", messages=MESSAGES))
    auth = [r.headers["authorization"] for r in cloud.requests]
    assert auth == ["Bearer ya29.token-1", "Bearer ya29.token-1", "Bearer ya29.token-2"]
    threads = {thread for thread, _ in credentials.refreshes}
    main = threading.main_thread().ident
    if mode == "sync":
        assert threads == {main}
    else:  # the event loop runs on the main thread; the refresh must not
        assert main not in threads
    for _, request in credentials.refreshes:
        assert isinstance(request, google.auth.transport.Request)


def test_access_token_instead_of_google_auth(mode: str) -> None:
    tokens = iter(["t1", "t2"])
    cloud = Cloud()
    client = vertex(mode, cloud, access_token=lambda: next(tokens), region="global")
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    url = "https://aiplatform.googleapis.com/v1/projects/proj-1/locations/global"
    assert cloud.urls == [f"{url}/publishers/mistralai/models/m:rawPredict"] * 2
    assert [r.headers["authorization"] for r in cloud.requests] == ["Bearer t1", "Bearer t2"]


def test_project_detection_order(monkeypatch: pytest.MonkeyPatch) -> None:
    def adc(**kw: Any) -> tuple[FakeCredentials, str]:
        assert kw["scopes"] == ["https://www.googleapis.com/auth/cloud-platform"]
        return FakeCredentials(), "adc-project"

    monkeypatch.setattr(google.auth, "default", adc)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "env-project")

    def project_of(**kw: Any) -> str:
        cloud = Cloud()
        call(
            make("sync", MistralGCP, AsyncMistralGCP, cloud, **kw),
            lambda c: c.fim.complete(model="m", prompt="x"),
        )
        return cloud.urls[0].split("/projects/")[1].split("/")[0]

    assert project_of(project_id="given") == "given"
    assert project_of(credentials=FakeCredentials("creds-project")) == "creds-project"
    assert project_of() == "adc-project"  # Application Default Credentials
    assert project_of(credentials=FakeCredentials()) == "env-project"
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT")
    with pytest.raises(MistralError, match="project_id is required"):
        MistralGCP(credentials=FakeCredentials())


def test_unserved_operation_and_missing_model(mode: str) -> None:
    cloud = Cloud()
    client = vertex(mode, cloud)
    with pytest.raises(UnsupportedOperationError, match=r"files\.list\(\) .* Google Vertex AI"):
        call(client, lambda c: c.files.list())
    with pytest.raises(MistralError, match="needs the 'model'"):
        call(
            client,
            lambda c: c.ocr.process(
                model=None, document={"type": "document_url", "document_url": "x"}
            ),
        )
    assert cloud.requests == []


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"region": "", "access_token": "t"}, "region"),
        ({"access_token": "t", "credentials": FakeCredentials()}, "not both"),
        ({"credentials": object()}, "google-auth credentials"),
    ],
)
def test_bad_configuration_is_a_clear_error(kw: dict[str, Any], message: str) -> None:
    with pytest.raises((MistralError, TypeError), match=message):
        MistralGCP(project_id="p", **kw)


# -- real google-auth credentials, refreshed through our httpx2 transport ------


@pytest.fixture
def token_server() -> Iterator[tuple[str, list[bytes]]]:
    """A loopback OAuth token endpoint: answers each POST with a new access token."""
    posted: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posted.append(self.rfile.read(int(self.headers["content-length"])))
            body = json.dumps(
                {"access_token": f"ya29.real-{len(posted)}", "expires_in": 3600}
            ).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token", posted
    server.shutdown()
    server.server_close()


def test_real_google_credentials_refresh(mode: str, token_server: tuple[str, list[bytes]]) -> None:
    from google.oauth2.credentials import Credentials

    url, posted = token_server
    credentials = Credentials(
        token=None, refresh_token="r-token", client_id="cid", client_secret="cs", token_uri=url
    )
    cloud = Cloud()
    client = vertex(mode, cloud, credentials=credentials)
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    call(client, lambda c: c.chat.complete(model="m", messages=MESSAGES))
    assert [r.headers["authorization"] for r in cloud.requests] == ["Bearer ya29.real-1"] * 2
    assert len(posted) == 1 and b"refresh_token=r-token" in posted[0]


# -- the optional extra ---------------------------------------------------------

_WITHOUT_GOOGLE = """
import sys
import mistral_sdk, mistral_sdk.gcp, mistral_sdk.azure
assert not [m for m in sys.modules if m.startswith("google")], "imported google-auth eagerly"
sys.modules["google"] = None  # as if google-auth were not installed
from mistral_sdk.gcp import MistralGCP
client = MistralGCP(project_id="p", access_token="t")  # needs no google-auth
try:
    MistralGCP(project_id="p")
except mistral_sdk.MistralError as exc:
    print(exc)
"""


def test_missing_extra_names_it() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _WITHOUT_GOOGLE], capture_output=True, text=True, check=True
    )
    assert "pip install 'mistral-sdk[gcp]'" in out.stdout
