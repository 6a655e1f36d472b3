import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_video_list import PaginatedVideoList
from ...models.videos_list_status import VideosListStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    duplicate: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    source_tag: str | Unset = UNSET,
    status: VideosListStatus | Unset = UNSET,
    uploaded_from: datetime.date | Unset = UNSET,
    uploaded_to: datetime.date | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["duplicate"] = duplicate

    params["label"] = label

    params["min_score"] = min_score

    params["page"] = page

    params["page_size"] = page_size

    params["search"] = search

    params["source_tag"] = source_tag

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_uploaded_from: str | Unset = UNSET
    if not isinstance(uploaded_from, Unset):
        json_uploaded_from = uploaded_from.isoformat()
    params["uploaded_from"] = json_uploaded_from

    json_uploaded_to: str | Unset = UNSET
    if not isinstance(uploaded_to, Unset):
        json_uploaded_to = uploaded_to.isoformat()
    params["uploaded_to"] = json_uploaded_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/videos/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedVideoList | None:
    if response.status_code == 200:
        response_200 = PaginatedVideoList.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PaginatedVideoList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    duplicate: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    source_tag: str | Unset = UNSET,
    status: VideosListStatus | Unset = UNSET,
    uploaded_from: datetime.date | Unset = UNSET,
    uploaded_to: datetime.date | Unset = UNSET,
) -> Response[PaginatedVideoList]:
    """Your videos. Upload with multipart ``file``; an analysis starts unless ``analyze=false``.

    Args:
        duplicate (bool | Unset):
        label (str | Unset):
        min_score (float | Unset):
        page (int | Unset):
        page_size (int | Unset):
        search (str | Unset):
        source_tag (str | Unset):
        status (VideosListStatus | Unset):
        uploaded_from (datetime.date | Unset):
        uploaded_to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedVideoList]
    """

    kwargs = _get_kwargs(
        duplicate=duplicate,
        label=label,
        min_score=min_score,
        page=page,
        page_size=page_size,
        search=search,
        source_tag=source_tag,
        status=status,
        uploaded_from=uploaded_from,
        uploaded_to=uploaded_to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    duplicate: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    source_tag: str | Unset = UNSET,
    status: VideosListStatus | Unset = UNSET,
    uploaded_from: datetime.date | Unset = UNSET,
    uploaded_to: datetime.date | Unset = UNSET,
) -> PaginatedVideoList | None:
    """Your videos. Upload with multipart ``file``; an analysis starts unless ``analyze=false``.

    Args:
        duplicate (bool | Unset):
        label (str | Unset):
        min_score (float | Unset):
        page (int | Unset):
        page_size (int | Unset):
        search (str | Unset):
        source_tag (str | Unset):
        status (VideosListStatus | Unset):
        uploaded_from (datetime.date | Unset):
        uploaded_to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedVideoList
    """

    return sync_detailed(
        client=client,
        duplicate=duplicate,
        label=label,
        min_score=min_score,
        page=page,
        page_size=page_size,
        search=search,
        source_tag=source_tag,
        status=status,
        uploaded_from=uploaded_from,
        uploaded_to=uploaded_to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    duplicate: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    source_tag: str | Unset = UNSET,
    status: VideosListStatus | Unset = UNSET,
    uploaded_from: datetime.date | Unset = UNSET,
    uploaded_to: datetime.date | Unset = UNSET,
) -> Response[PaginatedVideoList]:
    """Your videos. Upload with multipart ``file``; an analysis starts unless ``analyze=false``.

    Args:
        duplicate (bool | Unset):
        label (str | Unset):
        min_score (float | Unset):
        page (int | Unset):
        page_size (int | Unset):
        search (str | Unset):
        source_tag (str | Unset):
        status (VideosListStatus | Unset):
        uploaded_from (datetime.date | Unset):
        uploaded_to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedVideoList]
    """

    kwargs = _get_kwargs(
        duplicate=duplicate,
        label=label,
        min_score=min_score,
        page=page,
        page_size=page_size,
        search=search,
        source_tag=source_tag,
        status=status,
        uploaded_from=uploaded_from,
        uploaded_to=uploaded_to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    duplicate: bool | Unset = UNSET,
    label: str | Unset = UNSET,
    min_score: float | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    search: str | Unset = UNSET,
    source_tag: str | Unset = UNSET,
    status: VideosListStatus | Unset = UNSET,
    uploaded_from: datetime.date | Unset = UNSET,
    uploaded_to: datetime.date | Unset = UNSET,
) -> PaginatedVideoList | None:
    """Your videos. Upload with multipart ``file``; an analysis starts unless ``analyze=false``.

    Args:
        duplicate (bool | Unset):
        label (str | Unset):
        min_score (float | Unset):
        page (int | Unset):
        page_size (int | Unset):
        search (str | Unset):
        source_tag (str | Unset):
        status (VideosListStatus | Unset):
        uploaded_from (datetime.date | Unset):
        uploaded_to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedVideoList
    """

    return (
        await asyncio_detailed(
            client=client,
            duplicate=duplicate,
            label=label,
            min_score=min_score,
            page=page,
            page_size=page_size,
            search=search,
            source_tag=source_tag,
            status=status,
            uploaded_from=uploaded_from,
            uploaded_to=uploaded_to,
        )
    ).parsed
