from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.feedback import Feedback
from ...models.feedback_create_request import FeedbackCreateRequest
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: FeedbackCreateRequest | FeedbackCreateRequest | FeedbackCreateRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/feedback/",
    }

    if isinstance(body, FeedbackCreateRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, FeedbackCreateRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if isinstance(body, FeedbackCreateRequest):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Feedback | None:
    if response.status_code == 200:
        response_200 = Feedback.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Feedback]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: FeedbackCreateRequest | FeedbackCreateRequest | FeedbackCreateRequest | Unset = UNSET,
) -> Response[Feedback]:
    """Mark a segment (by index) or an event (by id) of one of your analyses; a second
    mark of the same target replaces the first.

    Args:
        body (FeedbackCreateRequest):
        body (FeedbackCreateRequest):
        body (FeedbackCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Feedback]
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
    body: FeedbackCreateRequest | FeedbackCreateRequest | FeedbackCreateRequest | Unset = UNSET,
) -> Feedback | None:
    """Mark a segment (by index) or an event (by id) of one of your analyses; a second
    mark of the same target replaces the first.

    Args:
        body (FeedbackCreateRequest):
        body (FeedbackCreateRequest):
        body (FeedbackCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Feedback
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: FeedbackCreateRequest | FeedbackCreateRequest | FeedbackCreateRequest | Unset = UNSET,
) -> Response[Feedback]:
    """Mark a segment (by index) or an event (by id) of one of your analyses; a second
    mark of the same target replaces the first.

    Args:
        body (FeedbackCreateRequest):
        body (FeedbackCreateRequest):
        body (FeedbackCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Feedback]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: FeedbackCreateRequest | FeedbackCreateRequest | FeedbackCreateRequest | Unset = UNSET,
) -> Feedback | None:
    """Mark a segment (by index) or an event (by id) of one of your analyses; a second
    mark of the same target replaces the first.

    Args:
        body (FeedbackCreateRequest):
        body (FeedbackCreateRequest):
        body (FeedbackCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Feedback
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
