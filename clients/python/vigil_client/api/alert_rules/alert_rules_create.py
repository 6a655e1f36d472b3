from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.alert_rule import AlertRule
from ...models.alert_rule_request import AlertRuleRequest
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: AlertRuleRequest | AlertRuleRequest | AlertRuleRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/alert-rules/",
    }

    if isinstance(body, AlertRuleRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, AlertRuleRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if isinstance(body, AlertRuleRequest):
        _kwargs["files"] = body.to_multipart()

        headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AlertRule | None:
    if response.status_code == 201:
        response_201 = AlertRule.from_dict(response.json())

        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AlertRule]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AlertRuleRequest | AlertRuleRequest | AlertRuleRequest | Unset = UNSET,
) -> Response[AlertRule]:
    """Your alert rules and the global ones (only staff edit global rules).

    Args:
        body (AlertRuleRequest):
        body (AlertRuleRequest):
        body (AlertRuleRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlertRule]
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
    body: AlertRuleRequest | AlertRuleRequest | AlertRuleRequest | Unset = UNSET,
) -> AlertRule | None:
    """Your alert rules and the global ones (only staff edit global rules).

    Args:
        body (AlertRuleRequest):
        body (AlertRuleRequest):
        body (AlertRuleRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlertRule
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AlertRuleRequest | AlertRuleRequest | AlertRuleRequest | Unset = UNSET,
) -> Response[AlertRule]:
    """Your alert rules and the global ones (only staff edit global rules).

    Args:
        body (AlertRuleRequest):
        body (AlertRuleRequest):
        body (AlertRuleRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AlertRule]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AlertRuleRequest | AlertRuleRequest | AlertRuleRequest | Unset = UNSET,
) -> AlertRule | None:
    """Your alert rules and the global ones (only staff edit global rules).

    Args:
        body (AlertRuleRequest):
        body (AlertRuleRequest):
        body (AlertRuleRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AlertRule
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
