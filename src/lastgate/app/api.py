"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from lastgate import __version__
from lastgate.app import metrics
from lastgate.app import pages as web
from lastgate.app.edge import install_guards
from lastgate.campaign import api as campaigns
from lastgate.campaign.service.campaigns import Campaigns
from lastgate.campaign.wiring import campaigns_over
from lastgate.closure.api import closures, step_up
from lastgate.closure.pages.demo_hook import NO_DEMO_WAYS, DemoWays
from lastgate.closure.service.workflow import Workflow
from lastgate.closure.wiring import build_workflow
from lastgate.demo import exchange as demo_exchange
from lastgate.desk import api as desk
from lastgate.desk.service.desk import Desk
from lastgate.desk.wiring import build_desk, lock_appeals
from lastgate.eligibility import api as eligibility
from lastgate.eligibility.service import Eligibility
from lastgate.erasure import api as certificates
from lastgate.erasure.adapters.console import IssuedCertificates
from lastgate.export import api as exports
from lastgate.kernel.clock import Clock, system_clock
from lastgate.kernel.settings import Settings, ensure_safe_to_start
from lastgate.notices import api as preferences
from lastgate.notices.adapters.preferences import remember_customer_language
from lastgate.platform.db.engine import make_engine
from lastgate.platform.http import health, tokens
from lastgate.platform.http.deps import ApiContext
from lastgate.platform.http.errors import install_error_handlers
from lastgate.platform.http.input_guard import refuse_control_characters
from lastgate.platform.http.latency import RequestLatency
from lastgate.platform.http.request_id import RequestId
from lastgate.platform.http.security_headers import SecurityHeaders
from lastgate.platform.logs import configure_logging
from lastgate.platform.web.language_memory import LanguageMemory
from lastgate.remediation import api as remediation


def _language_memory(settings: Settings, engine: Engine, clock: Clock) -> LanguageMemory:
    """The pages remember a customer's language in their notice settings."""
    return LanguageMemory(partial(remember_customer_language, engine, clock, settings))


def _demo_ways(settings: Settings) -> DemoWays:
    """In the demo only (``demo_login``), the self-check's cards the demo page acts on
    lead there (its exchange, its clock); never in production."""
    if not settings.demo_login:
        return NO_DEMO_WAYS
    return DemoWays(demo_exchange.ways_leading_here)


def _services(settings: Settings, engine: Engine, clock: Clock) -> dict[type[Any], object]:
    """The features' services the routes find in the context, each built once."""
    workflow = build_workflow(settings, engine, clock)
    return {
        Workflow: workflow,
        Eligibility: Eligibility(
            workflow.accounts,
            workflow.policies,
            clock,
            IssuedCertificates(engine),
            lock_appeals(engine),
        ),
        Campaigns: campaigns_over(workflow, settings, engine, clock),
        Desk: build_desk(settings, engine, clock),
        LanguageMemory: _language_memory(settings, engine, clock),
        DemoWays: _demo_ways(settings),
    }


def create_app(
    settings: Settings, *, engine: Engine | None = None, clock: Clock = system_clock
) -> FastAPI:
    """The API over ``settings``; an engine given by the caller is left for it to dispose."""
    owns_engine = engine is None
    engine = engine if engine is not None else make_engine(settings.database_url)
    context = ApiContext(
        settings=settings, engine=engine, clock=clock, services=_services(settings, engine, clock)
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_engine:
            context.engine.dispose()

    app = FastAPI(
        title="lastgate",
        version=__version__,
        summary="The last gate before a customer's account is gone.",
        lifespan=lifespan,
        dependencies=[Depends(refuse_control_characters)],
    )
    app.state.context = context
    app.state.metrics = metrics.build_metrics(engine, clock)
    install_error_handlers(app, page_error=web.page_error)
    install_guards(app, context)
    app.add_middleware(SecurityHeaders)
    # Outermost, so a request's time includes the guards and a refusal is counted too.
    app.add_middleware(RequestLatency, histogram=app.state.metrics.latency)
    # Outermost of all, so every log line of the request, a refusal's too, carries its id.
    app.add_middleware(RequestId)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(tokens.router)
    app.include_router(eligibility.router)
    app.include_router(closures.router)
    app.include_router(exports.router)
    app.include_router(preferences.router)
    app.include_router(certificates.router)
    app.include_router(step_up.router)
    app.include_router(remediation.router)
    app.include_router(desk.router)
    app.include_router(campaigns.router)
    app.include_router(web.router)
    app.mount("/web/static", StaticFiles(directory=web.STATIC_DIR), name="web-static")
    return app


def app_from_env() -> FastAPI:
    """The API configured from the environment: ``uvicorn --factory`` target. Refuses
    development secrets outside development mode, like ``lastgate serve``; logs as JSON
    like it too (run uvicorn with ``--no-access-log``: its lines carry client addresses)."""
    configure_logging()
    settings = Settings()
    ensure_safe_to_start(settings)
    return create_app(settings)
