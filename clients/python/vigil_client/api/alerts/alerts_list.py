import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_alert_list import PaginatedAlertList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    acknowledged: bool | Unset = UNSET,
    analysis: UUID | Unset = UNSET,
    false_alarm: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    source: str | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["acknowledged"] = acknowledged

    json_analysis: str | Unset = UNSET
    if not isinstance(analysis, Unset):
        json_analysis = str(analysis)
    params["analysis"] = json_analysis

    params["false_alarm"] = false_alarm

    params["label"] = label

    params["page"] = page

    params["page_size"] = page_size

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    params["source"] = source

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/alerts/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedAlertList | None:
    if response.status_code == 200:
        response_200 = PaginatedAlertList.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PaginatedAlertList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    acknowledged: bool | Unset = UNSET,
    analysis: UUID | Unset = UNSET,
    false_alarm: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    source: str | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedAlertList]:
    """Your incidents: filter, acknowledge, mark as false alarm.

    Args:
        acknowledged (bool | Unset):
        analysis (UUID | Unset):
        false_alarm (bool | Unset):
        label (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        since (datetime.datetime | Unset):
        source (str | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedAlertList]
    """

    kwargs = _get_kwargs(
        acknowledged=acknowledged,
        analysis=analysis,
        false_alarm=false_alarm,
        label=label,
        page=page,
        page_size=page_size,
        since=since,
        source=source,
        until=until,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    acknowledged: bool | Unset = UNSET,
    analysis: UUID | Unset = UNSET,
    false_alarm: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    source: str | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> PaginatedAlertList | None:
    """Your incidents: filter, acknowledge, mark as false alarm.

    Args:
        acknowledged (bool | Unset):
        analysis (UUID | Unset):
        false_alarm (bool | Unset):
        label (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        since (datetime.datetime | Unset):
        source (str | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedAlertList
    """

    return sync_detailed(
        client=client,
        acknowledged=acknowledged,
        analysis=analysis,
        false_alarm=false_alarm,
        label=label,
        page=page,
        page_size=page_size,
        since=since,
        source=source,
        until=until,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    acknowledged: bool | Unset = UNSET,
    analysis: UUID | Unset = UNSET,
    false_alarm: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    source: str | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Response[PaginatedAlertList]:
    """Your incidents: filter, acknowledge, mark as false alarm.

    Args:
        acknowledged (bool | Unset):
        analysis (UUID | Unset):
        false_alarm (bool | Unset):
        label (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        since (datetime.datetime | Unset):
        source (str | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedAlertList]
    """

    kwargs = _get_kwargs(
        acknowledged=acknowledged,
        analysis=analysis,
        false_alarm=false_alarm,
        label=label,
        page=page,
        page_size=page_size,
        since=since,
        source=source,
        until=until,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    acknowledged: bool | Unset = UNSET,
    analysis: UUID | Unset = UNSET,
    false_alarm: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    source: str | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> PaginatedAlertList | None:
    """Your incidents: filter, acknowledge, mark as false alarm.

    Args:
        acknowledged (bool | Unset):
        analysis (UUID | Unset):
        false_alarm (bool | Unset):
        label (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        since (datetime.datetime | Unset):
        source (str | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedAlertList
    """

    return (
        await asyncio_detailed(
            client=client,
            acknowledged=acknowledged,
            analysis=analysis,
            false_alarm=false_alarm,
            label=label,
            page=page,
            page_size=page_size,
            since=since,
            source=source,
            until=until,
        )
    ).parsed
