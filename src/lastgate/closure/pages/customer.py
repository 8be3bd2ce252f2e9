"""The customer's pages: the self-check with its one-step fixes, the closure flow (the
reason form, the request, its verification and cancelling) and the data export; the
settings are in ``settings``. Each calls the same use case as
the API, for the signed-in customer's own account only. On a closed account each is
refused (``AccountClosed``), which sends the customer to the closed account's page."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response

from lastgate.closure.model.freezes import CLOSURE_FREEZE, freeze_left
from lastgate.closure.model.lifecycle import (
    CANCELLABLE_STATES,
    ClosureReason,
    ClosureState,
    as_customer_sees,
)
from lastgate.closure.model.verification import OTP_METHODS, STILL_NEEDED, TYPED_CODE
from lastgate.closure.pages.demo_hook import DemoWays
from lastgate.closure.pages.progress import CONFIRMATIONS, step_of
from lastgate.closure.pages.settings import refused_try
from lastgate.closure.pages.ways_forward import needs_dust_plan, ways_for
from lastgate.closure.service import freeze, protective_freeze, step_up
from lastgate.closure.service import workflow as closure
from lastgate.closure.service.closed import open_account
from lastgate.closure.service.workflow import Workflow
from lastgate.desk.service.appeals import risk_lock_appeal_refused
from lastgate.desk.service.desk import Desk
from lastgate.eligibility.model.checks.restrictions import risk_locked
from lastgate.eligibility.model.report import Action, CustomerReport
from lastgate.eligibility.service import Eligibility
from lastgate.eligibility.wire import report_to_wire
from lastgate.export.adapters import LedgerDataExport
from lastgate.export.service import export_customer_data
from lastgate.kernel.errors import (
    CodeSendLimited,
    InvalidInput,
    NotFound,
    VerificationFailed,
    VerificationLocked,
)
from lastgate.kernel.redaction import SecretKind, removed_kinds, warning
from lastgate.platform.web.pages import CustomerPage, Page, PageRoute, see_other
from lastgate.remediation import service as remediation
from lastgate.remediation.model import DustQuote

router = APIRouter(prefix="/web", route_class=PageRoute, include_in_schema=False)
#: Links printed in notices (``Workflow.cancel_url``), outside ``/web``.
notice_links = APIRouter(route_class=PageRoute, include_in_schema=False)

RequestId = Annotated[str, Path(min_length=36, max_length=36)]
#: The fixes lastgate does itself, one button each on the self-check.
ONE_STEP_FIXES = {
    Action.CANCEL_ORDERS: remediation.cancel_all_orders,
    Action.REVOKE_API_KEYS: remediation.revoke_all_api_keys,
    Action.STOP_AUTOMATIONS: remediation.stop_all_automations,
}


@router.get("/me")
def self_check(page: CustomerPage) -> Response:
    """Every check with its status, message, evidence, and where its card leads."""
    ctx, uid = page.context, page.me.subject
    eligibility = ctx.service(Eligibility)
    report: CustomerReport = eligibility.customer_report(page.me, uid)
    wf = ctx.service(Workflow)
    dust = remediation.dust_plan(wf, page.me, uid) if needs_dust_plan(report) else None
    # The report says a lock kept on appeal stays (the service's rule); its card leads to
    # the appeal's ticket.
    desk = ctx.service(Desk)
    appeal = risk_lock_appeal_refused(desk, page.me, uid) if risk_locked(report) else None
    current = closure.current(wf, page.me, uid)
    protected = protective_freeze.is_protected(wf, page.me, uid)
    # In the demo only, the cards the demo page has something to do for lead there.
    return page.render(
        "customer/self_check.html",
        protected=protected,
        swept=_swept(page, wf),
        demo_ways=ctx.service(DemoWays).cards(report),
        report=report_to_wire(report, page.language),
        request=None if current is None else as_customer_sees(current),
        step=step_of(current.state if current is not None and current.is_open else None),
        ways=ways_for(
            report,
            now=ctx.clock(),
            dust=dust,
            lock_appeal=appeal,
            protected=protected,
            exchange=wf.policies.for_jurisdiction(report.jurisdiction).exchange,
        ),
    )


@router.get("/me/fix/{action}")
def confirm_fix(page: CustomerPage, action: Action) -> Response:
    """What the fix will do, with what it acts on, and the button that does it: none of
    these fixes can be undone, so none runs on the self-check's first click."""
    confirmation = CONFIRMATIONS.get(action)
    if confirmation is None or action not in ONE_STEP_FIXES:
        raise NotFound("lastgate cannot do this fix for you")
    report = page.service(Eligibility).customer_report(page.me, page.me.subject)
    checks = report_to_wire(report, page.language).checks
    return page.render(
        "customer/confirm_fix.html",
        action=action,
        confirmation=confirmation,
        check=next(c for c in checks if c.code == confirmation.check),
    )


@router.post("/me/fix/{action}")
def one_step_fix(page: CustomerPage, action: Action) -> Response:
    fix = ONE_STEP_FIXES.get(action)
    if fix is None:
        raise NotFound("lastgate cannot do this fix for you")
    fix(page.service(Workflow), page.me, page.me.subject)
    return see_other("/web/me?done=fixed")


#: A quote's id: a UUID's 36 characters (the form's ``quote_id`` is held to it too).
_QUOTE_ID_LENGTH = 36


def _swept(page: CustomerPage, wf: Workflow) -> DustQuote | None:
    """After a sweep (``?done=swept&quote=``): the customer's own executed quote, read
    from the database, never from the link (a crafted one names nothing)."""
    quote_id = page.request.query_params.get("quote", "")
    if page.request.query_params.get("done") != "swept" or len(quote_id) != _QUOTE_ID_LENGTH:
        return None
    return remediation.executed_sweep(wf, page.me, page.me.subject, quote_id)


@router.get("/me/dust-sweep")
def dust_sweep_again(page: CustomerPage) -> Response:
    """The quote form's address opened (bookmarked, or "Get a new quote" on an expired
    quote's error page): a quote is asked for with the card's form, so lead there."""
    return see_other("/web/me#check-DUST_REMAINING")


@router.post("/me/dust-sweep")
def dust_sweep_quote(page: CustomerPage) -> Response:
    """Quote the sweep, then its page by the quote's id (``remediation.pages``), so that a
    reload or Back shows that quote again and never asks for a new one."""
    quote = remediation.quote_dust_sweep(page.service(Workflow), page.me, page.me.subject)
    return see_other(f"/web/me/dust-sweep/{quote.id}")


@router.post("/me/dust-sweep/execute")
def dust_sweep_execute(
    page: CustomerPage,
    quote_id: Annotated[str, Form(min_length=_QUOTE_ID_LENGTH, max_length=_QUOTE_ID_LENGTH)],
    forfeit_consent: Annotated[bool, Form()] = False,
) -> Response:
    """Convert; the self-check then says what was received. The same form sent twice (a
    double click, a resubmission) converts once and both lead there."""
    wf, me = page.service(Workflow), page.me
    try:
        done = remediation.execute_dust_sweep(
            wf, me, me.subject, quote_id, forfeit_consent=forfeit_consent
        )
    except remediation.QuoteAlreadyUsed:  # this customer's own quote, converted already
        return see_other(f"/web/me?done=swept&quote={quote_id}")
    return see_other(f"/web/me?done=swept&quote={done.quote.id}")


@router.get("/me/export")
def data_export(page: CustomerPage) -> Response:
    filename, content = export_customer_data(
        LedgerDataExport(page.context.engine), page.me, page.me.subject, now=page.context.clock()
    )
    return Response(
        content,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/me/close")
def close_form(page: CustomerPage) -> Response:
    """The reason form, with the freeze offered instead when the customer can undo it; a
    request under way opens instead, and while something blocks the closure the page
    says so (with how many things) in place of a form the service would refuse."""
    wf, uid = page.service(Workflow), page.me.subject
    open_account(wf, page.me, uid)
    current = closure.current(wf, page.me, uid)
    if current is not None and current.is_open:
        return see_other(f"/web/closure/{current.id}")
    if protective_freeze.is_protected(wf, page.me, uid):
        return see_other("/web/me#next")  # the self-check says why it cannot be closed
    report = page.context.service(Eligibility).customer_report(page.me, uid)
    terms = freeze.freeze_terms(wf, page.me, uid)
    blockers = len(report.blockers)
    return page.render(
        "customer/close.html", reasons=list(ClosureReason), freeze_terms=terms, blockers=blockers
    )


@router.post("/me/close")
def close_submit(
    page: CustomerPage,
    reason: Annotated[ClosureReason, Form()],
    reason_text: Annotated[str, Form(max_length=closure.MAX_REASON_TEXT)] = "",
) -> Response:
    request = closure.submit(
        page.service(Workflow),
        page.me,
        page.me.subject,
        reason,
        reason_text,
        language=page.language,  # the page's language becomes the notices' language
    )
    removed = removed_kinds(reason_text, request.reason_text)
    told = f"?{urlencode({'secrets_removed': ','.join(removed)})}" if removed else ""
    return see_other(f"/web/closure/{request.id}{told}")


def _secrets_warning(page: Page, secrets_removed: str) -> str:
    """The warning for the secrets removed from the reason just typed, if any."""
    kinds = tuple(k for k in secrets_removed.split(",") if k in {s.value for s in SecretKind})
    return warning(kinds, page.language) or ""


@router.get("/me/freeze")
def freeze_confirmation(page: CustomerPage) -> Response:
    """What a freeze does and how it is undone, and the button that confirms it."""
    open_account(page.service(Workflow), page.me, page.me.subject)
    terms = freeze.freeze_terms(page.service(Workflow), page.me, page.me.subject)
    return page.render("customer/freeze.html", terms=terms)


@router.post("/me/freeze")
def freeze_instead(page: CustomerPage) -> Response:
    freeze.freeze(page.service(Workflow), page.me, page.me.subject)
    return see_other("/web/me/settings?done=frozen")


@router.get("/closure/{request_id}")
def closure_status(
    page: CustomerPage,
    request_id: RequestId,
    method: str = "",
    sent: bool = False,
    failed: bool = False,
    reused: bool = False,
    limited: bool = False,
    secrets_removed: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The request's state, its next step, the cooling-off end and the cancel button.
    Verification offers the customer's own methods only, and keeps the one chosen, with
    what became of the last try, across the redirects that follow each form; the
    account's lock and when a new code can be sent are read from the account."""
    request = closure.get(page.service(Workflow), page.me, request_id)
    open_account(page.service(Workflow), page.me, request.uid)  # closed: the closed page
    awaiting_proof = request.state in step_up.EVIDENCE_STATES
    options = (
        step_up.verification_options(page.service(Workflow).unit_of_work(), page.me.subject)
        if awaiting_proof
        else None
    )
    evidence, refused_for = (
        step_up.evidence_standing_of(page.service(Workflow).unit_of_work(), page.me, request_id)
        if awaiting_proof
        else ({}, {})
    )
    seen = as_customer_sees(request)  # a hold reads as a review
    # Over, and not yet claimed by a worker: already closing, as the page then says.
    closing = seen.closing(page.context.clock())
    return page.render(
        "customer/closure.html",
        request=seen,
        state=ClosureState.EXECUTING if closing else seen.state,
        closing=closing,  # one reading of the clock for the state and the page's words
        step=step_of(seen.state),
        cooling_off_days=_cooling_off_days(page, request.uid) if request.is_open else None,
        cancellable=request.state in CANCELLABLE_STATES,
        appealable=closure.appealable(page.service(Workflow), page.me, request),
        awaiting_proof=awaiting_proof,
        options=options,
        chosen=None if options is None else options.choose(method),
        sent=sent,
        failed=failed,
        reused=reused,
        tries_left=None if options is None else options.tries_left,
        locked_until=None if options is None else options.locked_until,
        locked_for_good=options is not None and options.locked_for_good,
        evidence=evidence,
        refused_for=refused_for,
        evidence_needed=[kind for kind, stands in evidence.items() if stands in STILL_NEEDED],
        limited=limited,
        secrets_warning=_secrets_warning(page, secrets_removed),
    )


def _cooling_off_days(page: Page, uid: str) -> int:
    """The cooling-off period the policy of the customer's jurisdiction gives, in days:
    what the page says comes after the review."""
    wf = page.service(Workflow)
    state = wf.accounts.load(uid, withdrawals_since=wf.clock())
    return wf.policies.for_jurisdiction(state.jurisdiction).workflow.cooling_off_days


def _verification_page(request_id: str, method: str, **state: str) -> Response:
    return see_other(f"/web/closure/{request_id}?{urlencode({'method': method, **state})}")


@router.post("/closure/{request_id}/verification")
def start_verification(
    page: CustomerPage,
    request_id: RequestId,
    method: Annotated[Literal["totp", "email", "sms"], Form()],
) -> Response:
    try:
        closure.start_verification(page.service(Workflow), page.me, request_id, method)
    except VerificationLocked as exc:  # no new code while the account is locked
        return _verification_page(request_id, method, **refused_try(exc))
    except CodeSendLimited:  # too soon or too many: the page says from when
        return _verification_page(request_id, method, limited="1")
    return _verification_page(
        request_id, method, **({"sent": "1"} if method in OTP_METHODS else {})
    )


@router.post("/closure/{request_id}/verification/check")
def check_code(
    page: CustomerPage,
    request_id: RequestId,
    method: Annotated[Literal["totp", "email", "sms"], Form()],
    code: Annotated[str, Form(min_length=4, max_length=24, pattern=TYPED_CODE)],
) -> Response:
    """A wrong code comes back to the page with the same method chosen and the tries left
    (a redirect, so that reloading the page does not send the wrong code again)."""
    try:
        closure.verify(page.service(Workflow), page.me, request_id, method, code)
    except (VerificationFailed, VerificationLocked) as exc:
        return _verification_page(request_id, method, **refused_try(exc))
    return see_other(f"/web/closure/{request_id}")


@router.post("/closure/{request_id}/evidence")
def upload_evidence(
    page: CustomerPage,
    request_id: RequestId,
    kind: Annotated[Literal["document", "selfie"], Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    limit = page.context.settings.evidence_max_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(f"the file is larger than {limit} bytes")
    step_up.upload_evidence(
        page.service(Workflow).unit_of_work(),
        page.me,
        request_id,
        kind,
        content,
        filename=file.filename,
    )
    return see_other(f"/web/closure/{request_id}?done=uploaded")


@router.get("/closure/{request_id}/cancel")
def cancel_confirmation(page: CustomerPage, request_id: RequestId) -> Response:
    """What cancelling gives up (the wait so far), then the button that cancels; a
    request past cancelling leads back to its page."""
    request = as_customer_sees(closure.get(page.service(Workflow), page.me, request_id))
    if request.state not in CANCELLABLE_STATES:
        return see_other(f"/web/closure/{request_id}")
    days = _cooling_off_days(page, request.uid)
    return page.render("customer/cancel_closure.html", request=request, cooling_off_days=days)


@router.post("/closure/{request_id}/cancel")
def cancel(page: CustomerPage, request_id: RequestId) -> Response:
    wf = page.service(Workflow)
    request = closure.cancel(wf, page.me, request_id)
    left = freeze_left(freeze.freezes_in_force(wf, page.me, request.uid), lifted=CLOSURE_FREEZE)
    done = "cancelled" if left is None else "cancelled_still_frozen"
    return see_other(f"/web/closure/{request_id}?done={done}")


@notice_links.get("/closure/{request_id}/cancel")
def cancel_link(request_id: RequestId) -> Response:
    """The notices' cancel link opens the page that asks to confirm: a GET never cancels
    by itself."""
    return see_other(f"/web/closure/{request_id}/cancel")
