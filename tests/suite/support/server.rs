//! A small HTTP/1.1 server on 127.0.0.1 (plain or TLS), one thread per connection, that records
//! every request and answers through a handler. Hand-written so tests can also misbehave on purpose.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use base64::Engine;

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }

    pub fn form_value(&self, key: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The id and secret of an HTTP Basic header, form-urlencoding undone (RFC 6749 §2.3.1).
    pub fn basic(&self) -> Option<(String, String)> {
        let b64 = self.header("authorization")?.strip_prefix("Basic ")?;
        let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (id, secret) = text.split_once(':')?;
        let dec = |s: &str| {
            form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
        };
        Some((dec(id)?, dec(secret)?))
    }
}

pub enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Wait, then answer.
    Delay(Duration, Box<Reply>),
    /// Close the connection without a word.
    Close,
    /// Keep the connection open and never answer.
    Hang,
    /// Send the head, then the body one byte per `every`.
    Trickle {
        head: String,
        body: Vec<u8>,
        every: Duration,
    },
    /// Send these bytes as they are (a broken response), then close; with `reset`, abort the
    /// connection (TCP RST) instead of closing it cleanly.
    Raw { bytes: Vec<u8>, reset: bool },
}

impl Reply {
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    pub fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self::Respond {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn empty(status: u16) -> Self {
        Self::Respond {
            status,
            headers: vec![],
            body: vec![],
        }
    }

    pub fn redirect(status: u16, location: &str) -> Self {
        Self::Respond {
            status,
            headers: vec![("Location".into(), location.into())],
            body: vec![],
        }
    }
}

pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

pub struct Server {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    scheme: &'static str,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        Self::spawn(None, Arc::new(handler))
    }

    pub fn start_tls(
        config: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Self {
        Self::spawn(Some(config), Arc::new(handler))
    }

    fn spawn(tls: Option<Arc<rustls::ServerConfig>>, handler: Handler) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let scheme = if tls.is_some() { "https" } else { "http" };
        let recorded = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, recorded, tls) = (handler.clone(), recorded.clone(), tls.clone());
                thread::spawn(move || match tls {
                    Some(cfg) => {
                        let Ok(conn) = rustls::ServerConnection::new(cfg) else {
                            return;
                        };
                        serve(rustls::StreamOwned::new(conn, stream), &handler, &recorded);
                    }
                    None => serve(stream, &handler, &recorded),
                });
            }
        });
        Self {
            addr,
            requests,
            scheme,
        }
    }

    /// A URL on this server. TLS servers are addressed as `localhost`, the name on their certificate.
    pub fn url(&self, path: &str) -> String {
        let host = if self.scheme == "https" {
            "localhost"
        } else {
            "127.0.0.1"
        };
        format!("{}://{host}:{}{path}", self.scheme, self.addr.port())
    }

    /// A server that hands each raw connection to `f` (for faults below HTTP, such as TLS).
    pub fn raw_tcp(f: impl Fn(std::net::TcpStream) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let f = Arc::new(f);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let f = f.clone();
                thread::spawn(move || f(stream));
            }
        });
        Self {
            addr,
            requests: Arc::new(Mutex::new(Vec::new())),
            scheme: "https",
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// Abort a plain TCP connection with RST (linger 0); TLS streams just close.
fn on_reset<S: 'static>(stream: &mut S) {
    if let Some(tcp) = (stream as &mut dyn std::any::Any).downcast_mut::<std::net::TcpStream>() {
        let _ = socket2::SockRef::from(&*tcp).set_linger(Some(Duration::ZERO));
    }
}

fn serve<S: Read + Write + 'static>(
    mut stream: S,
    handler: &Handler,
    recorded: &Mutex<Vec<Request>>,
) {
    let Some(req) = read_request(&mut stream) else {
        return;
    };
    recorded.lock().unwrap().push(req.clone());
    let mut reply = handler(&req);
    loop {
        match reply {
            Reply::Delay(d, next) => {
                thread::sleep(d);
                reply = *next;
            }
            Reply::Close => return,
            Reply::Hang => {
                thread::sleep(Duration::from_secs(600));
                return;
            }
            Reply::Trickle { head, body, every } => {
                let _ = stream.write_all(head.as_bytes());
                for b in body {
                    if stream
                        .write_all(&[b])
                        .and_then(|()| stream.flush())
                        .is_err()
                    {
                        return;
                    }
                    thread::sleep(every);
                }
                return;
            }
            Reply::Raw { bytes, reset } => {
                let _ = stream.write_all(&bytes);
                let _ = stream.flush();
                if reset {
                    on_reset(&mut stream);
                }
                return;
            }
            Reply::Respond {
                status,
                headers,
                body,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
                let _ = stream.flush();
                return;
            }
        }
    }
}

fn read_request<S: Read>(stream: &mut S) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// A port with nothing listening (bound, then released).
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// For a handler that holds its answer: wait until `released` is set, or `at_most` has passed
/// (so a failed test never leaves a server thread waiting for good).
pub fn hold_until_released(released: &std::sync::atomic::AtomicBool, at_most: Duration) {
    let until = std::time::Instant::now() + at_most;
    while !released.load(std::sync::atomic::Ordering::SeqCst) && std::time::Instant::now() < until {
        thread::sleep(Duration::from_millis(10));
    }
}
