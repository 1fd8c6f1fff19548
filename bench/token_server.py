"""A minimal local token endpoint for the benchmarks: POST /oauth2/token answers a bearer token.

Each answer goes out in one write on a TCP_NODELAY socket: a head and a body in two writes stall
a reused keep-alive connection for a delayed ACK (about 40 ms), which would measure the server,
not the client."""
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    # 50 clients connect at once in the parallel benchmark; the default backlog of 5 drops some.
    request_queue_size = 128
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
