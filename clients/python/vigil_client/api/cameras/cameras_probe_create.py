from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.camera_probe import CameraProbe
from ...models.probe_request_request import ProbeRequestRequest
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: ProbeRequestRequest | ProbeRequestRequest | ProbeRequestRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/cameras/probe/",
    }

    if isinstance(body, ProbeRequestRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, ProbeRequestRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if isinstance(body, ProbeRequestRequest):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CameraProbe | None:
    if response.status_code == 200:
        response_200 = CameraProbe.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CameraProbe]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ProbeRequestRequest | ProbeRequestRequest | ProbeRequestRequest | Unset = UNSET,
) -> Response[CameraProbe]:
    """Probe a stream URL before adding it as a camera (recorded too).

    Args:
        body (ProbeRequestRequest):
        body (ProbeRequestRequest):
        body (ProbeRequestRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CameraProbe]
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
    body: ProbeRequestRequest | ProbeRequestRequest | ProbeRequestRequest | Unset = UNSET,
) -> CameraProbe | None:
    """Probe a stream URL before adding it as a camera (recorded too).

    Args:
        body (ProbeRequestRequest):
        body (ProbeRequestRequest):
        body (ProbeRequestRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CameraProbe
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ProbeRequestRequest | ProbeRequestRequest | ProbeRequestRequest | Unset = UNSET,
) -> Response[CameraProbe]:
    """Probe a stream URL before adding it as a camera (recorded too).

    Args:
        body (ProbeRequestRequest):
        body (ProbeRequestRequest):
        body (ProbeRequestRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CameraProbe]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ProbeRequestRequest | ProbeRequestRequest | ProbeRequestRequest | Unset = UNSET,
) -> CameraProbe | None:
    """Probe a stream URL before adding it as a camera (recorded too).

    Args:
        body (ProbeRequestRequest):
        body (ProbeRequestRequest):
        body (ProbeRequestRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CameraProbe
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
