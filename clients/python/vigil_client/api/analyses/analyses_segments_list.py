from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_segment_list import PaginatedSegmentList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["label"] = label

    params["min_score"] = min_score

    params["page"] = page

    params["page_size"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/analyses/{id}/segments/".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedSegmentList | None:
    if response.status_code == 200:
        response_200 = PaginatedSegmentList.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedSegmentList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Response[PaginatedSegmentList]:
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results.

    Args:
        id (UUID):
        label (str | Unset):
        min_score (float | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedSegmentList]
    """

    kwargs = _get_kwargs(
        id=id,
        label=label,
        min_score=min_score,
        page=page,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> PaginatedSegmentList | None:
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results.

    Args:
        id (UUID):
        label (str | Unset):
        min_score (float | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedSegmentList
    """

    return sync_detailed(
        id=id,
        client=client,
        label=label,
        min_score=min_score,
        page=page,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Response[PaginatedSegmentList]:
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results.

    Args:
        id (UUID):
        label (str | Unset):
        min_score (float | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedSegmentList]
    """

    kwargs = _get_kwargs(
        id=id,
        label=label,
        min_score=min_score,
        page=page,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> PaginatedSegmentList | None:
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results.

    Args:
        id (UUID):
        label (str | Unset):
        min_score (float | Unset):
        page (int | Unset):
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedSegmentList
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            label=label,
            min_score=min_score,
            page=page,
            page_size=page_size,
        )
    ).parsed
