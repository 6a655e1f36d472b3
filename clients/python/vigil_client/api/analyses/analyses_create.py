from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analysis import Analysis
from ...models.analysis_create_request import AnalysisCreateRequest
from ...models.error import Error
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: AnalysisCreateRequest | AnalysisCreateRequest | AnalysisCreateRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/analyses/",
    }

    if isinstance(body, AnalysisCreateRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, AnalysisCreateRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if isinstance(body, AnalysisCreateRequest):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Analysis | Error | None:
    if response.status_code == 202:
        response_202 = Analysis.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Analysis | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AnalysisCreateRequest | AnalysisCreateRequest | AnalysisCreateRequest | Unset = UNSET,
) -> Response[Analysis | Error]:
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results.

    Args:
        body (AnalysisCreateRequest):
        body (AnalysisCreateRequest):
        body (AnalysisCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Analysis | Error]
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
    body: AnalysisCreateRequest | AnalysisCreateRequest | AnalysisCreateRequest | Unset = UNSET,
) -> Analysis | Error | None:
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results.

    Args:
        body (AnalysisCreateRequest):
        body (AnalysisCreateRequest):
        body (AnalysisCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Analysis | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AnalysisCreateRequest | AnalysisCreateRequest | AnalysisCreateRequest | Unset = UNSET,
) -> Response[Analysis | Error]:
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results.

    Args:
        body (AnalysisCreateRequest):
        body (AnalysisCreateRequest):
        body (AnalysisCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Analysis | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AnalysisCreateRequest | AnalysisCreateRequest | AnalysisCreateRequest | Unset = UNSET,
) -> Analysis | Error | None:
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results.

    Args:
        body (AnalysisCreateRequest):
        body (AnalysisCreateRequest):
        body (AnalysisCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Analysis | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
