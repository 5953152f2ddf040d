"""auth-service: accounts and bearer tokens.

POST /api/v1/users/   {"username", "email", "password"}  → 201 the new user,
                      and a `user.registered` event on RabbitMQ
POST /api/v1/token/   {"username", "password"}           → 200 {"access", ...} or 401
GET  /api/v1/me/      Authorization: Bearer <access>     → 200 the user or 401
"""

import hashlib
import hmac
import secrets

import events
from database import query
from psycopg2 import errors
from httpapi import HttpError, Router, serve

TOKEN_LIFETIME_SECONDS = 3600
PBKDF2_ITERATIONS = 120_000

router = Router("auth-service")


def hash_password(password, salt=None):
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), PBKDF2_ITERATIONS)
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${salt}${digest.hex()}"


def password_matches(password, stored):
    _, iterations, salt, expected = stored.split("$")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations))
    return hmac.compare_digest(digest.hex(), expected)


@router.route("POST", r"/api/v1/users/?")
def create_user(request):
    username, email, password = (request.field(name) for name in ("username", "email", "password"))
    try:
        rows = query(
            "INSERT INTO users (username, email, password_hash) VALUES (%s, %s, %s) "
            "RETURNING id, username, email, created_at",
            (username, email, hash_password(password)))
    except errors.UniqueViolation:
        raise HttpError(409, f"the username '{username}' is taken")
    user = _user(rows[0])
    events.publish("user.registered", {"user_id": user["id"], "username": user["username"]})
    return 201, user


@router.route("POST", r"/api/v1/token/?")
def issue_token(request):
    username, password = request.field("username"), request.field("password")
    users = query("SELECT id, password_hash FROM users WHERE username = %s", (username,))
    if not users or not password_matches(password, users[0]["password_hash"]):
        raise HttpError(401, "no account with that username and password")
    token = secrets.token_urlsafe(32)
    query("INSERT INTO auth_tokens (token, user_id, expires_at) "
          "VALUES (%s, %s, now() + make_interval(secs => %s))",
          (token, users[0]["id"], TOKEN_LIFETIME_SECONDS))
    return 200, {"access": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECONDS}


@router.route("GET", r"/api/v1/me/?")
def current_user(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HttpError(401, "send 'Authorization: Bearer <access token>'")
    users = query(
        "SELECT u.id, u.username, u.email, u.created_at FROM auth_tokens t "
        "JOIN users u ON u.id = t.user_id "
        "WHERE t.token = %s AND t.expires_at > now()", (token,))
    if not users:
        raise HttpError(401, "the token is unknown or expired")
    return 200, _user(users[0])


def _user(row):
    return {"id": int(row["id"]), "username": row["username"], "email": row["email"],
            "created_at": row["created_at"]}


if __name__ == "__main__":
    serve(router)
