"""ticket-service: the tickets themselves.

POST  /api/v1/tickets/       {"title", "description"?, "reporter"?} → 201 the ticket
GET   /api/v1/tickets/       ?status=open                          → 200 a list
GET   /api/v1/tickets/<id>/                                        → 200 or 404
PATCH /api/v1/tickets/<id>/  {"status", "expected_status"?}        → 200, 404 or 409
"""

from database import query
from httpapi import HttpError, Router, serve

STATUSES = ("open", "in_progress", "resolved", "closed")
COLUMNS = "id, title, description, status, reporter, created_at, updated_at"

router = Router("ticket-service")


@router.route("POST", r"/api/v1/tickets/?")
def create_ticket(request):
    body = request.json()
    title = request.field("title")
    description = body.get("description") or ""
    reporter = body.get("reporter")
    if not isinstance(description, str) or not (reporter is None or isinstance(reporter, str)):
        raise HttpError(400, "'description' and 'reporter' must be strings")
    rows = query(
        f"INSERT INTO tickets (title, description, reporter) VALUES (%s, %s, %s) RETURNING {COLUMNS}",
        (title, description, reporter))
    return 201, _ticket(rows[0])


@router.route("GET", r"/api/v1/tickets/?")
def list_tickets(request):
    where, params = "", ()
    if "status" in request.query:
        where, params = "WHERE status = %s", (_status(request.query["status"]),)
    rows = query(f"SELECT {COLUMNS} FROM tickets {where} ORDER BY id", params)
    return 200, [_ticket(row) for row in rows]


@router.route("GET", r"/api/v1/tickets/(\d+)/?")
def get_ticket(request, ticket_id):
    return 200, _ticket(_find(ticket_id))


@router.route("PATCH", r"/api/v1/tickets/(\d+)/?")
def update_status(request, ticket_id):
    """With expected_status the change is a compare-and-set, so two workflow
    requests racing on one ticket cannot both win."""
    body = request.json()
    status = _status(body.get("status"))
    condition, params = "", (status, int(ticket_id))
    if body.get("expected_status") is not None:
        condition, params = " AND status = %s", params + (_status(body["expected_status"]),)
    rows = query(
        f"UPDATE tickets SET status = %s, updated_at = now() WHERE id = %s{condition} RETURNING {COLUMNS}", params)
    if rows:
        return 200, _ticket(rows[0])
    current = _find(ticket_id)
    raise HttpError(409, f"ticket {ticket_id} is '{current['status']}', not '{body['expected_status']}'")


def _find(ticket_id):
    rows = query(f"SELECT {COLUMNS} FROM tickets WHERE id = %s", (int(ticket_id),))
    if not rows:
        raise HttpError(404, f"no ticket {ticket_id}")
    return rows[0]


def _status(value):
    if value not in STATUSES:
        raise HttpError(400, f"status must be one of {', '.join(STATUSES)}")
    return value


def _ticket(row):
    return dict(row, id=int(row["id"]))


if __name__ == "__main__":
    serve(router)
