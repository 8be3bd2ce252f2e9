"""lastgate.campaign.service."""
