from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.training_run import TrainingRun
from ...models.training_run_start_request import TrainingRunStartRequest
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: TrainingRunStartRequest | TrainingRunStartRequest | TrainingRunStartRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/training-runs/",
    }

    if isinstance(body, TrainingRunStartRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, TrainingRunStartRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if isinstance(body, TrainingRunStartRequest):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> TrainingRun | None:
    if response.status_code == 201:
        response_201 = TrainingRun.from_dict(response.json())

        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[TrainingRun]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TrainingRunStartRequest | TrainingRunStartRequest | TrainingRunStartRequest | Unset = UNSET,
) -> Response[TrainingRun]:
    """Fine-tuning runs: start, follow (``history`` per epoch), cancel.

    Args:
        body (TrainingRunStartRequest):
        body (TrainingRunStartRequest):
        body (TrainingRunStartRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TrainingRun]
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
    body: TrainingRunStartRequest | TrainingRunStartRequest | TrainingRunStartRequest | Unset = UNSET,
) -> TrainingRun | None:
    """Fine-tuning runs: start, follow (``history`` per epoch), cancel.

    Args:
        body (TrainingRunStartRequest):
        body (TrainingRunStartRequest):
        body (TrainingRunStartRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TrainingRun
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TrainingRunStartRequest | TrainingRunStartRequest | TrainingRunStartRequest | Unset = UNSET,
) -> Response[TrainingRun]:
    """Fine-tuning runs: start, follow (``history`` per epoch), cancel.

    Args:
        body (TrainingRunStartRequest):
        body (TrainingRunStartRequest):
        body (TrainingRunStartRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TrainingRun]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TrainingRunStartRequest | TrainingRunStartRequest | TrainingRunStartRequest | Unset = UNSET,
) -> TrainingRun | None:
    """Fine-tuning runs: start, follow (``history`` per epoch), cancel.

    Args:
        body (TrainingRunStartRequest):
        body (TrainingRunStartRequest):
        body (TrainingRunStartRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TrainingRun
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
