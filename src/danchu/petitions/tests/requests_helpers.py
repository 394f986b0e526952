"""Test helpers for citizens' requests: file through the service, move the services' clock."""

from __future__ import annotations

import datetime
from typing import Any

from danchu.petitions import services
from danchu.petitions.models import CitizenRequest, RequestChannel

DENOUNCER = {
    "full_name": "Nguyễn Thị Hoà Bình",
    "phone": "0912 345 678",
    "address": "Số 17 ngõ Cây Đa, thôn Đông",
    "email": "hoabinh.tocao@example.vn",
}


def data(**overrides: Any) -> services.RequestData:
    values: dict[str, Any] = {
        "subject": "Đường liên thôn bị sụt lún",
        "content": "Đoạn đường qua cầu Máng bị sụt sâu, xe máy đi lại nguy hiểm.",
        "kind": "feedback",
        "full_name": "Trần Văn Nam",
        "phone": "0987654321",
    }
    values.update(overrides)
    return services.RequestData(**values)


def file(
    commune: Any, actor: Any = None, *, channel: str = RequestChannel.WEB, **overrides: Any
) -> CitizenRequest:
    from django.contrib.auth.models import AnonymousUser

    return services.request_submit(
        actor=actor or AnonymousUser(), commune=commune, data=data(**overrides), channel=channel
    )


def at(monkeypatch: Any, day: datetime.date, hour: int = 10) -> None:
    """Move the services' clock to ``day`` (Vietnam time)."""
    from danchu.core.calendar import TIME_ZONE

    instant = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TIME_ZONE)
    monkeypatch.setattr(services, "_now", lambda: instant)
