from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.clip_create_request import ClipCreateRequest
from ...models.dataset_clip import DatasetClip
from ...models.error import Error
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: ClipCreateRequest | ClipCreateRequest | ClipCreateRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/dataset-clips/",
    }

    if isinstance(body, ClipCreateRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, ClipCreateRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if isinstance(body, ClipCreateRequest):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DatasetClip | Error | None:
    if response.status_code == 201:
        response_201 = DatasetClip.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DatasetClip | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ClipCreateRequest | ClipCreateRequest | ClipCreateRequest | Unset = UNSET,
) -> Response[DatasetClip | Error]:
    """Cut ``start_sec``-``end_sec`` of one of your uploaded videos into a clip.

    Args:
        body (ClipCreateRequest):
        body (ClipCreateRequest):
        body (ClipCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetClip | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ClipCreateRequest | ClipCreateRequest | ClipCreateRequest | Unset = UNSET,
) -> DatasetClip | Error | None:
    """Cut ``start_sec``-``end_sec`` of one of your uploaded videos into a clip.

    Args:
        body (ClipCreateRequest):
        body (ClipCreateRequest):
        body (ClipCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetClip | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ClipCreateRequest | ClipCreateRequest | ClipCreateRequest | Unset = UNSET,
) -> Response[DatasetClip | Error]:
    """Cut ``start_sec``-``end_sec`` of one of your uploaded videos into a clip.

    Args:
        body (ClipCreateRequest):
        body (ClipCreateRequest):
        body (ClipCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetClip | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ClipCreateRequest | ClipCreateRequest | ClipCreateRequest | Unset = UNSET,
) -> DatasetClip | Error | None:
    """Cut ``start_sec``-``end_sec`` of one of your uploaded videos into a clip.

    Args:
        body (ClipCreateRequest):
        body (ClipCreateRequest):
        body (ClipCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetClip | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
