from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dataset_clips_list_split import DatasetClipsListSplit
from ...models.paginated_dataset_clip_list import PaginatedDatasetClipList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    dataset: int | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    split: DatasetClipsListSplit | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["dataset"] = dataset

    params["label"] = label

    params["page"] = page

    params["page_size"] = page_size

    json_split: str | Unset = UNSET
    if not isinstance(split, Unset):
        json_split = split.value

    params["split"] = json_split

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/dataset-clips/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedDatasetClipList | None:
    if response.status_code == 200:
        response_200 = PaginatedDatasetClipList.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedDatasetClipList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    dataset: int | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    split: DatasetClipsListSplit | Unset = UNSET,
) -> Response[PaginatedDatasetClipList]:
    """Clips of datasets (staff only): list, add a range of an uploaded video, relabel or move,
    delete.

    Args:
        dataset (int | Unset):
        label (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        split (DatasetClipsListSplit | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedDatasetClipList]
    """

    kwargs = _get_kwargs(
        dataset=dataset,
        label=label,
        page=page,
        page_size=page_size,
        split=split,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    dataset: int | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    split: DatasetClipsListSplit | Unset = UNSET,
) -> PaginatedDatasetClipList | None:
    """Clips of datasets (staff only): list, add a range of an uploaded video, relabel or move,
    delete.

    Args:
        dataset (int | Unset):
        label (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        split (DatasetClipsListSplit | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedDatasetClipList
    """

    return sync_detailed(
        client=client,
        dataset=dataset,
        label=label,
        page=page,
        page_size=page_size,
        split=split,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    dataset: int | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    split: DatasetClipsListSplit | Unset = UNSET,
) -> Response[PaginatedDatasetClipList]:
    """Clips of datasets (staff only): list, add a range of an uploaded video, relabel or move,
    delete.

    Args:
        dataset (int | Unset):
        label (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        split (DatasetClipsListSplit | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedDatasetClipList]
    """

    kwargs = _get_kwargs(
        dataset=dataset,
        label=label,
        page=page,
        page_size=page_size,
        split=split,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    dataset: int | Unset = UNSET,
    label: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    split: DatasetClipsListSplit | Unset = UNSET,
) -> PaginatedDatasetClipList | None:
    """Clips of datasets (staff only): list, add a range of an uploaded video, relabel or move,
    delete.

    Args:
        dataset (int | Unset):
        label (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        split (DatasetClipsListSplit | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedDatasetClipList
    """

    return (
        await asyncio_detailed(
            client=client,
            dataset=dataset,
            label=label,
            page=page,
            page_size=page_size,
            split=split,
        )
    ).parsed
