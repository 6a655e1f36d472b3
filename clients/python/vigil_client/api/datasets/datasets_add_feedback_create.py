from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.add_feedback_request import AddFeedbackRequest
from ...models.added import Added
from ...models.error import Error
from ...types import UNSET, Response


def _get_kwargs(
    id: int,
    *,
    body: AddFeedbackRequest | AddFeedbackRequest | AddFeedbackRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/datasets/{id}/add-feedback/".format(
            id=quote(str(id), safe=""),
        ),
    }

    if isinstance(body, AddFeedbackRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, AddFeedbackRequest):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"
    if isinstance(body, AddFeedbackRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Added | Error | None:
    if response.status_code == 201:
        response_201 = Added.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Added | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    body: AddFeedbackRequest | AddFeedbackRequest | AddFeedbackRequest | Unset = UNSET,
) -> Response[Added | Error]:
    """Cut the selected feedback items' segments/events into clips of this dataset.

    Args:
        id (int):
        body (AddFeedbackRequest):
        body (AddFeedbackRequest):
        body (AddFeedbackRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Added | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient,
    body: AddFeedbackRequest | AddFeedbackRequest | AddFeedbackRequest | Unset = UNSET,
) -> Added | Error | None:
    """Cut the selected feedback items' segments/events into clips of this dataset.

    Args:
        id (int):
        body (AddFeedbackRequest):
        body (AddFeedbackRequest):
        body (AddFeedbackRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Added | Error
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient,
    body: AddFeedbackRequest | AddFeedbackRequest | AddFeedbackRequest | Unset = UNSET,
) -> Response[Added | Error]:
    """Cut the selected feedback items' segments/events into clips of this dataset.

    Args:
        id (int):
        body (AddFeedbackRequest):
        body (AddFeedbackRequest):
        body (AddFeedbackRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Added | Error]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient,
    body: AddFeedbackRequest | AddFeedbackRequest | AddFeedbackRequest | Unset = UNSET,
) -> Added | Error | None:
    """Cut the selected feedback items' segments/events into clips of this dataset.

    Args:
        id (int):
        body (AddFeedbackRequest):
        body (AddFeedbackRequest):
        body (AddFeedbackRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Added | Error
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
