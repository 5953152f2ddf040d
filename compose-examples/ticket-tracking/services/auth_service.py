"""auth-service: accounts and bearer tokens.

POST /api/v1/users/   {"username", "email", "password"}  → 201 the new user
POST /api/v1/token/   {"username", "password"}           → 200 {"access", ...} or 401
GET  /api/v1/me/      Authorization: Bearer <access>     → 200 the user or 401
"""

import hashlib
import hmac
import secrets

import pgwire
from database import query
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
        result = query(
            "INSERT INTO users (username, email, password_hash) VALUES "
            f"({pgwire.literal(username)}, {pgwire.literal(email)}, {pgwire.literal(hash_password(password))}) "
            "RETURNING id, username, email, created_at")
    except pgwire.DatabaseError as error:
        if error.code == "23505":  # unique_violation
            raise HttpError(409, f"the username '{username}' is taken")
        raise
    return 201, _user(result.dicts()[0])


@router.route("POST", r"/api/v1/token/?")
def issue_token(request):
    username, password = request.field("username"), request.field("password")
    users = query(f"SELECT id, password_hash FROM users WHERE username = {pgwire.literal(username)}").dicts()
    if not users or not password_matches(password, users[0]["password_hash"]):
        raise HttpError(401, "no account with that username and password")
    token = secrets.token_urlsafe(32)
    query("INSERT INTO auth_tokens (token, user_id, expires_at) VALUES "
          f"({pgwire.literal(token)}, {users[0]['id']}, "
          f"now() + interval '{TOKEN_LIFETIME_SECONDS} seconds')")
    return 200, {"access": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECONDS}


@router.route("GET", r"/api/v1/me/?")
def current_user(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HttpError(401, "send 'Authorization: Bearer <access token>'")
    users = query(
        "SELECT u.id, u.username, u.email, u.created_at FROM auth_tokens t "
        "JOIN users u ON u.id = t.user_id "
        f"WHERE t.token = {pgwire.literal(token)} AND t.expires_at > now()").dicts()
    if not users:
        raise HttpError(401, "the token is unknown or expired")
    return 200, _user(users[0])


def _user(row):
    return {"id": int(row["id"]), "username": row["username"], "email": row["email"],
            "created_at": row["created_at"]}


if __name__ == "__main__":
    serve(router)
