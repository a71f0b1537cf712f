"""The users service: sign-up and sign-in behind API Gateway (REST API, proxy integration).

The store is an in-memory dict seeded with a few users: it lives as long as the execution
environment, so a user registered on a warm environment can log in on that same environment.
"""

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import time

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _hash(password, salt):
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1_000).hex()


def _user(username, email, password, salt):
    return {"username": username, "email": email, "salt": salt, "password": _hash(password, salt)}


USERS = {
    name: _user(name, f"{name}@example.com", password, salt=name)
    for name, password in [("ada", "lovelace1"), ("grace", "hopper42"), ("linus", "torvalds")]
}


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def _json_body(event):
    """The request's JSON object ({} when the body is missing or not a JSON object)."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def register(event, context):
    body = _json_body(event)
    fields = ("username", "email", "password")
    username, email, password = (str(body.get(field, "")).strip() for field in fields)
    if not username or not EMAIL.match(email) or len(password) < 8:
        logger.info("register rejected: invalid input for %r", username)
        message = "username, a valid email and a password of 8+ characters are required"
        return _response(400, {"message": message})
    if username in USERS:
        logger.info("register rejected: %s already exists", username)
        return _response(409, {"message": f"User {username} already exists"})
    USERS[username] = _user(username, email, password, salt=context.aws_request_id)
    logger.info("registered %s (%d users in %s)", username, len(USERS), os.environ["USERS_TABLE"])
    return _response(201, {"username": username, "email": email})


def login(event, context):
    body = _json_body(event)
    username, password = str(body.get("username", "")), str(body.get("password", ""))
    if not username or not password:
        logger.info("login rejected: username and password are required")
        return _response(400, {"message": "username and password are required"})
    user = USERS.get(username)
    if user is None or not hmac.compare_digest(user["password"], _hash(password, user["salt"])):
        logger.info("login failed for %s", username)
        return _response(401, {"message": "Invalid username or password"})
    ttl = int(os.environ.get("TOKEN_TTL_SECONDS", "3600"))
    claims = f"{username}:{int(time.time()) + ttl}"
    secret = os.environ.get("TOKEN_SECRET", "").encode()
    token = f"{claims}:{hmac.new(secret, claims.encode(), 'sha256').hexdigest()}"
    logger.info("login ok for %s, token valid for %ds", username, ttl)
    return _response(200, {"token": token, "expiresIn": ttl})
