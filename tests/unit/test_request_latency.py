"""The request-latency middleware labels by route template, so a client cannot make new
series: not with new ids in the path, unknown paths, or invented methods."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry, Histogram

from lastgate.platform.http.latency import RequestLatency


def _client() -> tuple[TestClient, CollectorRegistry]:
    registry = CollectorRegistry()
    histogram = Histogram("t_seconds", "t", ["method", "route", "status"], registry=registry)
    app = FastAPI()

    @app.get("/v1/accounts/{uid}")
    def read(uid: str) -> dict[str, str]:
        return {"uid": uid}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    app.add_middleware(RequestLatency, histogram=histogram)
    return TestClient(app, raise_server_exceptions=False), registry


def _counts(registry: CollectorRegistry) -> dict[tuple[str, str, str], float]:
    return {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for family in registry.collect()
        for s in family.samples
        if s.name == "t_seconds_count"
    }


def test_requests_are_labelled_by_template_method_and_status_class() -> None:
    client, registry = _client()
    for uid in ("U1", "U2", "U3"):
        assert client.get(f"/v1/accounts/{uid}").status_code == 200
    assert client.get("/no/such/path/U9").status_code == 404
    assert client.request("BREW", "/v1/accounts/U1").status_code == 405
    assert client.get("/boom").status_code == 500
    assert _counts(registry) == {
        ("GET", "/v1/accounts/{uid}", "2xx"): 3,
        ("GET", "(unmatched)", "4xx"): 1,
        ("OTHER", "/v1/accounts/{uid}", "4xx"): 1,
        ("GET", "/boom", "5xx"): 1,
    }
