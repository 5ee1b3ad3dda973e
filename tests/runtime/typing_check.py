"""Type-checked by test_typing.py: how generated code calls the runtime."""

from __future__ import annotations

import msgspec

from mistral_sdk._client import AsyncAPIClient, SyncAPIClient
from mistral_sdk._resource import AsyncResource, SyncResource
from mistral_sdk._response import (
    APIResponse,
    AsyncBinaryContent,
    BinaryContent,
    BinaryResponse,
    EmptyResponse,
    JsonResponse,
    SSEResponse,
    async_to_raw_response_wrapper,
    to_raw_response_wrapper,
)
from mistral_sdk._streaming import AsyncStream, Stream
from mistral_sdk._types import NOT_GIVEN, UNSET, Body, Headers, NotGiven, Query, TimeoutTypes


class M(msgspec.Struct):
    id: str


class Models(SyncResource):
    def get(
        self,
        model_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> M:
        return self._client.request(
            "GET",
            "/v1/models/{model_id}",
            path_params={"model_id": model_id},
            response=JsonResponse(M),
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def many(self) -> list[M]:
        return self._client.request("GET", "/v1/models", response=JsonResponse(list[M]))

    def stream(self) -> Stream[M]:
        return self._client.request(
            "POST", "/v1/chat", json=UNSET, response=SSEResponse(M, done_marker="[DONE]")
        )

    def delete(self) -> None:
        return self._client.request("DELETE", "/v1/x", response=EmptyResponse())

    def download(self) -> BinaryContent:
        return self._client.request("GET", "/v1/x", response=BinaryResponse())


class AModels(AsyncResource):
    async def get(self) -> M:
        return await self._client.request("GET", "/v1/x", response=JsonResponse(M))

    async def stream(self) -> AsyncStream[M]:
        return await self._client.request("POST", "/v1/chat", response=SSEResponse(M))

    async def download(self) -> AsyncBinaryContent:
        return await self._client.request("GET", "/v1/x", response=BinaryResponse())


def use(c: SyncAPIClient, a: AsyncAPIClient) -> None:
    raw: APIResponse[M] = to_raw_response_wrapper(Models(c).get)("x", timeout=3)
    m: M = raw.parse()
    araw = async_to_raw_response_wrapper(AModels(a).get)
    print(araw, m)
