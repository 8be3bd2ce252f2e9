"""``DELETE /v1/tokens/current``: the caller revokes the token it calls with (signing out
of an app that holds a bearer token). The pages' sign-out does the same for the cookie."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from lastgate.platform import token_revocation
from lastgate.platform.http.deps import Context, CurrentToken

router = APIRouter(tags=["session"])


@router.delete(
    "/v1/tokens/current",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke the token of this request (sign out)",
    response_class=Response,
)
def revoke_current_token(context: Context, token: CurrentToken) -> Response:
    """Every role may revoke its own token. From then on the token is refused by the API
    and the pages with 401 ``NOT_AUTHENTICATED``, until and after it expires."""
    token_revocation.revoke(context.engine, token, context.clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
