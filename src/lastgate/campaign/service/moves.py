"""The one way a campaign changes state in the service: the model's rule, then one
``campaign.transition`` log event (ids and states, never the reason text)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from lastgate.campaign.model import Campaign, CampaignEvent, campaign_apply

log = logging.getLogger("lastgate.campaign")


def move(campaign: Campaign, event: CampaignEvent, *, now: datetime, **changes: Any) -> Campaign:
    """``campaign`` after ``event`` (``campaign_apply``), logged."""
    after = campaign_apply(campaign, event, now=now, **changes)
    moved = {"campaign_id": after.id, "transition": event.value}
    states = {"from_state": campaign.state.value, "to_state": after.state.value}
    log.info("campaign.transition", extra={"event": "campaign.transition", **moved, **states})
    return after
