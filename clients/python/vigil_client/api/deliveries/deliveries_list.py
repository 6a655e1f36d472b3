from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_delivery_list import PaginatedDeliveryList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    alert: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    webhook: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["alert"] = alert

    params["page"] = page

    params["page_size"] = page_size

    params["webhook"] = webhook

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/deliveries/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedDeliveryList | None:
    if response.status_code == 200:
        response_200 = PaginatedDeliveryList.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedDeliveryList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    alert: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    webhook: int | Unset = UNSET,
) -> Response[PaginatedDeliveryList]:
    """The delivery log: one row per attempt.

    Args:
        alert (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        webhook (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedDeliveryList]
    """

    kwargs = _get_kwargs(
        alert=alert,
        page=page,
        page_size=page_size,
        webhook=webhook,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    alert: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    webhook: int | Unset = UNSET,
) -> PaginatedDeliveryList | None:
    """The delivery log: one row per attempt.

    Args:
        alert (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        webhook (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedDeliveryList
    """

    return sync_detailed(
        client=client,
        alert=alert,
        page=page,
        page_size=page_size,
        webhook=webhook,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    alert: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    webhook: int | Unset = UNSET,
) -> Response[PaginatedDeliveryList]:
    """The delivery log: one row per attempt.

    Args:
        alert (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        webhook (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedDeliveryList]
    """

    kwargs = _get_kwargs(
        alert=alert,
        page=page,
        page_size=page_size,
        webhook=webhook,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    alert: int | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    webhook: int | Unset = UNSET,
) -> PaginatedDeliveryList | None:
    """The delivery log: one row per attempt.

    Args:
        alert (int | Unset):
        page (int | Unset):
        page_size (int | Unset):
        webhook (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedDeliveryList
    """

    return (
        await asyncio_detailed(
            client=client,
            alert=alert,
            page=page,
            page_size=page_size,
            webhook=webhook,
        )
    ).parsed
