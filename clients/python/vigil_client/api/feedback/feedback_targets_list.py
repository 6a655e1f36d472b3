from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.target import Target
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    analysis: UUID,
    unused: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_analysis = str(analysis)
    params["analysis"] = json_analysis

    params["unused"] = unused

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/feedback/targets/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> list[Target] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Target.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[list[Target]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    analysis: UUID,
    unused: bool | Unset = UNSET,
) -> Response[list[Target]]:
    """What can be marked in an analysis: its events and segments, with their ids.

    Args:
        analysis (UUID):
        unused (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[Target]]
    """

    kwargs = _get_kwargs(
        analysis=analysis,
        unused=unused,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    analysis: UUID,
    unused: bool | Unset = UNSET,
) -> list[Target] | None:
    """What can be marked in an analysis: its events and segments, with their ids.

    Args:
        analysis (UUID):
        unused (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[Target]
    """

    return sync_detailed(
        client=client,
        analysis=analysis,
        unused=unused,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    analysis: UUID,
    unused: bool | Unset = UNSET,
) -> Response[list[Target]]:
    """What can be marked in an analysis: its events and segments, with their ids.

    Args:
        analysis (UUID):
        unused (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[Target]]
    """

    kwargs = _get_kwargs(
        analysis=analysis,
        unused=unused,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    analysis: UUID,
    unused: bool | Unset = UNSET,
) -> list[Target] | None:
    """What can be marked in an analysis: its events and segments, with their ids.

    Args:
        analysis (UUID):
        unused (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[Target]
    """

    return (
        await asyncio_detailed(
            client=client,
            analysis=analysis,
            unused=unused,
        )
    ).parsed
