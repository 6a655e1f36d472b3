from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.channel_enum import ChannelEnum
from ..models.delivery_status_enum import DeliveryStatusEnum

T = TypeVar("T", bound="Delivery")


@_attrs_define
class Delivery:
    """
    Attributes:
        id (int):
        channel (ChannelEnum): * `webhook` - Webhook
            * `email` - E-mail
        webhook (int | None):
        alert (int | None): Empty for a test message.
        attempt (int):
        status (DeliveryStatusEnum): * `succeeded` - Succeeded
            * `retrying` - Failed, will retry
            * `failed` - Failed
        status_code (int | None):
        error (str):
        target (str): URL or address.
        started_at (datetime.datetime):
        finished_at (datetime.datetime):
    """

    id: int
    channel: ChannelEnum
    webhook: int | None
    alert: int | None
    attempt: int
    status: DeliveryStatusEnum
    status_code: int | None
    error: str
    target: str
    started_at: datetime.datetime
    finished_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        channel = self.channel.value

        webhook: int | None
        webhook = self.webhook

        alert: int | None
        alert = self.alert

        attempt = self.attempt

        status = self.status.value

        status_code: int | None
        status_code = self.status_code

        error = self.error

        target = self.target

        started_at = self.started_at.isoformat()

        finished_at = self.finished_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "channel": channel,
                "webhook": webhook,
                "alert": alert,
                "attempt": attempt,
                "status": status,
                "status_code": status_code,
                "error": error,
                "target": target,
                "started_at": started_at,
                "finished_at": finished_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        channel = ChannelEnum(d.pop("channel"))

        def _parse_webhook(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        webhook = _parse_webhook(d.pop("webhook"))

        def _parse_alert(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        alert = _parse_alert(d.pop("alert"))

        attempt = d.pop("attempt")

        status = DeliveryStatusEnum(d.pop("status"))

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("status_code"))

        error = d.pop("error")

        target = d.pop("target")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        finished_at = datetime.datetime.fromisoformat(d.pop("finished_at"))

        delivery = cls(
            id=id,
            channel=channel,
            webhook=webhook,
            alert=alert,
            attempt=attempt,
            status=status,
            status_code=status_code,
            error=error,
            target=target,
            started_at=started_at,
            finished_at=finished_at,
        )

        delivery.additional_properties = d
        return delivery

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
