"""gunicorn settings for FYPFixer (used by the Dockerfile and the benchmark).

Every value can be overridden with an environment variable; the defaults suit a small VM.
"""

import multiprocessing
import os

# Listen on all interfaces inside a container; put a proxy (or a load balancer) in front.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Workers from the CPU count: one process per core is enough with threads, because
# requests mostly wait on PostgreSQL and Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))

# Threaded workers keep connections alive (sync workers close each one after a request),
# so clients and load balancers reuse TCP connections. Two threads per worker: enough to
# overlap database and Redis waits; more only make requests queue for the GIL.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# A request that takes longer than this is stuck (the API's slowest path is a password hash).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))

# Recycle workers now and then, staggered by the jitter so they never restart together;
# this bounds the damage of any slow memory growth (the benchmark shows none over 50,000
# requests). Not too often: a restarted worker starts with cold in-memory caches, and the
# clients it dropped reconnect to the other workers.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "10000"))

# Load the app once in the master, so workers share its memory pages.
preload_app = True


accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the proxy in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Close a kept-alive connection after this many requests. Clients then reconnect now and
# then, and their connections spread over the workers again; otherwise a burst of new
# connections can all land on one worker and stay there while the others idle.
requests_per_connection = int(os.environ.get("GUNICORN_REQUESTS_PER_CONNECTION", "100"))


def pre_request(worker, req):
    if req.req_number >= requests_per_connection:
        req.must_close = True


def on_starting(server):
    """Answer the requests gunicorn refuses itself (malformed lines, oversized headers) in the
    API's JSON envelope instead of an HTML page: API clients parse every answer as JSON."""
    import json

    from gunicorn import util

    def write_json_error(sock, status_int, reason, mesg):
        code = {400: "validation_error", 403: "forbidden", 431: "headers_too_large"}.get(status_int, "error")
        body = json.dumps(
            {"success": False, "error": {"code": code, "message": reason, "details": {}}}, separators=(",", ":")
        ).encode()
        head = (
            f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        util.write_nonblock(sock, head.encode("latin1") + body)

    util.write_error = write_json_error
