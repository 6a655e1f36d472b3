from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.alert_bulk_request import AlertBulkRequest
from ...models.alert_bulk_result import AlertBulkResult
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: AlertBulkRequest | AlertBulkRequest | AlertBulkRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/alerts/bulk/",
    }

    if isinstance(body, AlertBulkRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, AlertBulkRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if isinstance(body, AlertBulkRequest):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AlertBulkResult | None:
    if response.status_code == 200:
        response_200 = AlertBulkResult.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AlertBulkResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AlertBulkRequest | AlertBulkRequest | AlertBulkRequest | Unset = UNSET,
) -> Response[AlertBulkResult]:
    """Acknowledge, or mark as false alarms, many alerts at once.

    Args:
        body (AlertBulkRequest):
        body (AlertBulkRequest):
        body (AlertBulkRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlertBulkResult]
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
    body: AlertBulkRequest | AlertBulkRequest | AlertBulkRequest | Unset = UNSET,
) -> AlertBulkResult | None:
    """Acknowledge, or mark as false alarms, many alerts at once.

    Args:
        body (AlertBulkRequest):
        body (AlertBulkRequest):
        body (AlertBulkRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlertBulkResult
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AlertBulkRequest | AlertBulkRequest | AlertBulkRequest | Unset = UNSET,
) -> Response[AlertBulkResult]:
    """Acknowledge, or mark as false alarms, many alerts at once.

    Args:
        body (AlertBulkRequest):
        body (AlertBulkRequest):
        body (AlertBulkRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlertBulkResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AlertBulkRequest | AlertBulkRequest | AlertBulkRequest | Unset = UNSET,
) -> AlertBulkResult | None:
    """Acknowledge, or mark as false alarms, many alerts at once.

    Args:
        body (AlertBulkRequest):
        body (AlertBulkRequest):
        body (AlertBulkRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlertBulkResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
