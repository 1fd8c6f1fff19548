"""A minimal local token endpoint for the benchmarks: POST /oauth2/token answers a bearer token;
GET /api/invoices?limit=L&offset=O answers Coupa-style pages of RECORDS invoices (env, default
1000), as JSON.

Each answer goes out in one write on a TCP_NODELAY socket: a head and a body in two writes stall
a reused keep-alive connection for a delayed ACK (about 40 ms), which would measure the server,
not the client."""
import json
import os
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECORDS = int(os.environ.get("RECORDS", "1000"))

BODY = json.dumps({"access_token": "bench-token", "token_type": "bearer",
                   "expires_in": 86399, "scope": "core.common.read"}).encode()
ANSWER = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
          + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.wfile.write(ANSWER)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        limit, offset = min(int(q.get("limit", 50)), 50), int(q.get("offset", 0))
        page = [{"id": i, "invoice-number": f"INV-{i}", "status": "approved", "total": "100.00"}
                for i in range(offset + 1, min(offset + limit, RECORDS) + 1)]
        body = json.dumps(page).encode()
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    # 50 clients connect at once in the parallel benchmark; the default backlog of 5 drops some.
    request_queue_size = 128
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
