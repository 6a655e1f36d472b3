from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_feedback_list import PaginatedFeedbackList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    analysis: UUID | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unused: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_analysis: str | Unset = UNSET
    if not isinstance(analysis, Unset):
        json_analysis = str(analysis)
    params["analysis"] = json_analysis

    params["page"] = page

    params["page_size"] = page_size

    params["unused"] = unused

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/feedback/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PaginatedFeedbackList | None:
    if response.status_code == 200:
        response_200 = PaginatedFeedbackList.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedFeedbackList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    analysis: UUID | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unused: bool | Unset = UNSET,
) -> Response[PaginatedFeedbackList]:
    """Your verdicts on results ("correct" / "wrong, it is X"); staff see everyone's.

    Args:
        analysis (UUID | Unset):
        page (int | Unset):
        page_size (int | Unset):
        unused (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedFeedbackList]
    """

    kwargs = _get_kwargs(
        analysis=analysis,
        page=page,
        page_size=page_size,
        unused=unused,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    analysis: UUID | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unused: bool | Unset = UNSET,
) -> PaginatedFeedbackList | None:
    """Your verdicts on results ("correct" / "wrong, it is X"); staff see everyone's.

    Args:
        analysis (UUID | Unset):
        page (int | Unset):
        page_size (int | Unset):
        unused (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedFeedbackList
    """

    return sync_detailed(
        client=client,
        analysis=analysis,
        page=page,
        page_size=page_size,
        unused=unused,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    analysis: UUID | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unused: bool | Unset = UNSET,
) -> Response[PaginatedFeedbackList]:
    """Your verdicts on results ("correct" / "wrong, it is X"); staff see everyone's.

    Args:
        analysis (UUID | Unset):
        page (int | Unset):
        page_size (int | Unset):
        unused (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedFeedbackList]
    """

    kwargs = _get_kwargs(
        analysis=analysis,
        page=page,
        page_size=page_size,
        unused=unused,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    analysis: UUID | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    unused: bool | Unset = UNSET,
) -> PaginatedFeedbackList | None:
    """Your verdicts on results ("correct" / "wrong, it is X"); staff see everyone's.

    Args:
        analysis (UUID | Unset):
        page (int | Unset):
        page_size (int | Unset):
        unused (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedFeedbackList
    """

    return (
        await asyncio_detailed(
            client=client,
            analysis=analysis,
            page=page,
            page_size=page_size,
            unused=unused,
        )
    ).parsed
