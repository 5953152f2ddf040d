"""workflow-api: moves tickets through their life cycle.

GET  /api/v1/workflow/                                  → 200 the allowed transitions
POST /api/v1/workflow/tickets/<id>/transitions/  {"to", "actor"?}
        → 201 the transition; 404 no ticket; 409 not allowed from the current status
GET  /api/v1/workflow/tickets/<id>/transitions/         → 200 the ticket's history

It reads and changes tickets through ticket-service (at the address the
runtime injects as TICKET_SERVICE_SERVICE_HOST/PORT) and keeps the history in
its own table.
"""

import json
import os
import urllib.error
import urllib.request

from database import query
from httpapi import HttpError, Router, serve

TRANSITIONS = {
    "open": ["in_progress", "closed"],
    "in_progress": ["resolved", "open"],
    "resolved": ["closed", "in_progress"],
    "closed": ["open"],
}

router = Router("workflow-api")


@router.route("GET", r"/api/v1/workflow/?")
def allowed_transitions(request):
    return 200, TRANSITIONS


@router.route("POST", r"/api/v1/workflow/tickets/(\d+)/transitions/?")
def transition(request, ticket_id):
    target = request.field("to")
    actor = request.json().get("actor")
    ticket = _ticket_service("GET", f"/api/v1/tickets/{ticket_id}/")
    current = ticket["status"]
    if target not in TRANSITIONS.get(current, []):
        allowed = ", ".join(TRANSITIONS.get(current, [])) or "nothing"
        raise HttpError(409, f"ticket {ticket_id} is '{current}'; it can move to {allowed}")
    _ticket_service("PATCH", f"/api/v1/tickets/{ticket_id}/",
                    {"status": target, "expected_status": current})
    row = query(
        "INSERT INTO workflow_transitions (ticket_id, from_status, to_status, actor) VALUES (%s, %s, %s, %s) "
        "RETURNING id, ticket_id, from_status, to_status, actor, created_at",
        (int(ticket_id), current, target, actor if isinstance(actor, str) else None))[0]
    return 201, _transition(row)


@router.route("GET", r"/api/v1/workflow/tickets/(\d+)/transitions/?")
def history(request, ticket_id):
    rows = query(
        "SELECT id, ticket_id, from_status, to_status, actor, created_at "
        "FROM workflow_transitions WHERE ticket_id = %s ORDER BY id", (int(ticket_id),))
    return 200, [_transition(row) for row in rows]


def _ticket_service(method, path, body=None):
    """Calls ticket-service; its 4xx answers pass through to our caller."""
    host = os.environ.get("TICKET_SERVICE_SERVICE_HOST", "ticket-service")
    port = os.environ.get("TICKET_SERVICE_SERVICE_PORT", "8000")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://{host}:{port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if 400 <= error.code < 500:
            raise HttpError(error.code, _error_message(error))
        raise HttpError(502, f"ticket-service answered {error.code}")
    except (OSError, ValueError) as error:
        raise HttpError(502, f"ticket-service is unreachable at {host}:{port}: {error}")


def _error_message(error):
    try:
        return json.load(error)["error"]
    except (ValueError, KeyError, TypeError):
        return f"ticket-service answered {error.code} {error.reason}"


def _transition(row):
    return dict(row, id=int(row["id"]), ticket_id=int(row["ticket_id"]))


if __name__ == "__main__":
    serve(router)
