"""The comments service: reading comments behind API Gateway (REST API, proxy integration).

Seed data only, held in memory. `GET /comments/boom` fails on purpose, so the dashboard has
errors to show.
"""

import json
import logging
import os

logger = logging.getLogger()
logger.setLevel(logging.INFO)

COMMENTS = [
    {"id": "1", "articleId": "1", "author": "ada", "body": "Small functions, small blast radius."},
    {"id": "2", "articleId": "1", "author": "grace", "body": "And one deploy per service."},
    {"id": "3", "articleId": "2", "author": "linus", "body": "Cold starts hurt less than feared."},
    {"id": "4", "articleId": "3", "author": "ada", "body": "Measure before you provision."},
    {"id": "5", "articleId": "2", "author": "grace", "body": "arm64 saved us a fifth of the bill."},
]


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }


def _path_id(event):
    """The `{id}` path parameter when it is a positive number, else None."""
    value = (event.get("pathParameters") or {}).get("id", "")
    return value if value.isdigit() and int(value) > 0 else None


def get_comment(event, context):
    raw_id = (event.get("pathParameters") or {}).get("id", "")
    if raw_id == "boom":
        table = os.environ["COMMENTS_TABLE"]
        raise RuntimeError(f"comment store {table} unavailable (simulated failure)")
    comment_id = _path_id(event)
    if comment_id is None:
        logger.info("getComment rejected: bad id %r", raw_id)
        return _response(400, {"message": "The comment id must be a positive number"})
    comment = next((c for c in COMMENTS if c["id"] == comment_id), None)
    if comment is None:
        logger.info("getComment %s: not found", comment_id)
        return _response(404, {"message": f"Comment {comment_id} not found"})
    logger.info("getComment %s: by %s", comment_id, comment["author"])
    return _response(200, comment)


def get_comments(event, context):
    query = event.get("queryStringParameters") or {}
    max_page = int(os.environ.get("MAX_PAGE_SIZE", "50"))
    limit = query.get("limit", str(max_page))
    if not limit.isdigit() or not 1 <= int(limit) <= max_page:
        logger.info("getComments rejected: bad limit %r", limit)
        return _response(400, {"message": f"limit must be a number from 1 to {max_page}"})
    page = COMMENTS[: int(limit)]
    logger.info("getComments: %d of %d comments", len(page), len(COMMENTS))
    return _response(200, {"comments": page, "total": len(COMMENTS)})


def get_comments_for_article(event, context):
    article_id = _path_id(event)
    if article_id is None:
        logger.info("getCommentsForArticle rejected: bad article id")
        return _response(400, {"message": "The article id must be a positive number"})
    found = [c for c in COMMENTS if c["articleId"] == article_id]
    if not found:
        logger.info("getCommentsForArticle %s: no comments", article_id)
        return _response(404, {"message": f"No comments for article {article_id}"})
    logger.info("getCommentsForArticle %s: %d comments", article_id, len(found))
    return _response(200, {"articleId": article_id, "comments": found})
