from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.segment_change import SegmentChange
from ...types import UNSET, Response


def _get_kwargs(
    *,
    a: UUID,
    b: UUID,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_a = str(a)
    params["a"] = json_a

    json_b = str(b)
    params["b"] = json_b

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/compare/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> list[SegmentChange] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = SegmentChange.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[list[SegmentChange]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    a: UUID,
    b: UUID,
) -> Response[list[SegmentChange]]:
    """Per-segment top-label changes between two analyses of the same video.

    Args:
        a (UUID):
        b (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[SegmentChange]]
    """

    kwargs = _get_kwargs(
        a=a,
        b=b,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    a: UUID,
    b: UUID,
) -> list[SegmentChange] | None:
    """Per-segment top-label changes between two analyses of the same video.

    Args:
        a (UUID):
        b (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[SegmentChange]
    """

    return sync_detailed(
        client=client,
        a=a,
        b=b,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    a: UUID,
    b: UUID,
) -> Response[list[SegmentChange]]:
    """Per-segment top-label changes between two analyses of the same video.

    Args:
        a (UUID):
        b (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[SegmentChange]]
    """

    kwargs = _get_kwargs(
        a=a,
        b=b,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    a: UUID,
    b: UUID,
) -> list[SegmentChange] | None:
    """Per-segment top-label changes between two analyses of the same video.

    Args:
        a (UUID):
        b (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[SegmentChange]
    """

    return (
        await asyncio_detailed(
            client=client,
            a=a,
            b=b,
        )
    ).parsed
