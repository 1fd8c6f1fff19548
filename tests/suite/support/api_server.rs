//! An API server on loopback that also serves the token endpoint, as Coupa and ServiceNow
//! answer: Coupa-style lists (offset and limit, at most 50 a page, XML unless JSON is asked),
//! ServiceNow-style lists (`sysparm_limit`, `sysparm_offset`, records under `result`, a Link
//! header), GraphQL whose 200 can carry `errors`, a 401 for a revoked token, and 429s with
//! `Retry-After` or ServiceNow's `X-RateLimit-Reset`.

use std::collections::HashSet;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::oauth::OAuthConfig;
use super::server::{Reply, Request, Server};

pub const TOKEN: &str = "api-token";

#[derive(Default)]
pub struct State {
    /// Tokens the server no longer takes.
    pub revoked: HashSet<String>,
    /// How many requests are answered 429 before the next is served.
    pub limited: usize,
    /// Seconds the 429 asks for.
    pub limited_for: u64,
    pub invoices: usize,
    pub incidents: usize,
    /// Every bearer token the API took, in order.
    pub seen: Vec<String>,
    /// Refuse every token (a client whose access was withdrawn).
    pub refuse_all: bool,
}

pub struct ApiServer {
    pub server: Server,
    pub oauth: OAuthConfig,
    pub state: Arc<Mutex<State>>,
}

impl ApiServer {
    /// `token_path` is the provider's (Coupa /oauth2/token, ServiceNow /oauth_token.do).
    pub fn start(token_path: &str) -> Self {
        let mut oauth = OAuthConfig::new(
            "api-client",
            "api-secret",
            &["core.common.read", "useraccount"],
        );
        oauth.token = TOKEN.into();
        oauth.path = token_path.into();
        oauth.numbered = Some(Arc::new(AtomicUsize::new(0)));
        let state = Arc::new(Mutex::new(State::default()));
        let (o, st) = (oauth.clone(), state.clone());
        let server = Server::start(move |req| handle(&o, &st, req));
        Self {
            server,
            oauth,
            state,
        }
    }

    pub fn url(&self) -> String {
        self.server.url("").trim_end_matches('/').to_string()
    }

    /// Revoke every token issued so far.
    pub fn revoke_all(&self) {
        let n = self
            .oauth
            .numbered
            .as_ref()
            .unwrap()
            .load(std::sync::atomic::Ordering::SeqCst);
        let mut st = self.state.lock().unwrap();
        for i in 1..=n {
            st.revoked.insert(format!("{TOKEN}-{i}"));
        }
    }

    pub fn api_requests(&self) -> Vec<Request> {
        self.server
            .requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/api"))
            .collect()
    }
}

fn query(req: &Request) -> Vec<(String, String)> {
    let q = req.path.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

fn param(req: &Request, key: &str) -> Option<usize> {
    query(req)
        .into_iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
}

fn handle(oauth: &OAuthConfig, state: &Mutex<State>, req: &Request) -> Reply {
    let path = req.path.split('?').next().unwrap_or_default().to_string();
    if path == oauth.path {
        return oauth.handle(req);
    }
    let bearer = req
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::to_owned);
    let mut st = state.lock().unwrap();
    let refuse = st.refuse_all;
    let Some(bearer) =
        bearer.filter(|b| b.starts_with(TOKEN) && !st.revoked.contains(b) && !refuse)
    else {
        return Reply::json(401, &json!({"errors": [{"message": "Unauthorized"}]}));
    };
    st.seen.push(bearer);
    if st.limited > 0 {
        st.limited -= 1;
        let wait = st.limited_for;
        let mut headers = vec![("Content-Type".into(), "application/json".into())];
        if path.starts_with("/api/now") {
            let reset = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                + wait;
            headers.push(("X-RateLimit-Reset".into(), reset.to_string()));
        } else {
            headers.push(("Retry-After".into(), wait.to_string()));
        }
        return Reply::Respond {
            status: 429,
            headers,
            body: b"{\"error\":\"rate limited\"}".to_vec(),
        };
    }
    let json_asked = req
        .header("accept")
        .is_some_and(|a| a.contains("application/json"));
    match path.as_str() {
        "/api/invoices" => {
            let limit = param(req, "limit").unwrap_or(50).min(50);
            let offset = param(req, "offset").unwrap_or(0);
            let ids: Vec<usize> = (offset + 1..=st.invoices).take(limit).collect();
            if !json_asked {
                let items: String = ids
                    .iter()
                    .map(|i| format!("<invoice><id>{i}</id></invoice>"))
                    .collect();
                return Reply::text(
                    200,
                    "application/xml",
                    format!("<?xml version=\"1.0\"?><invoices>{items}</invoices>"),
                );
            }
            Reply::json(
                200,
                &Value::Array(
                    ids.iter()
                        .map(|i| json!({"id": i, "invoice-number": format!("INV-{i}")}))
                        .collect(),
                ),
            )
        }
        "/api/now/table/incident" => {
            let limit = param(req, "sysparm_limit").unwrap_or(10_000);
            let offset = param(req, "sysparm_offset").unwrap_or(0);
            let total = st.incidents;
            let ids: Vec<usize> = (offset + 1..=total).take(limit).collect();
            let link = |o: usize, rel: &str| {
                format!(
                    "<http://{}/api/now/table/incident?sysparm_limit={limit}&sysparm_offset={o}>;rel=\"{rel}\"",
                    req.header("host").unwrap_or_default()
                )
            };
            let mut links = vec![link(0, "first")];
            if offset + limit < total {
                links.push(link(offset + limit, "next"));
            }
            links.push(link(total.saturating_sub(1) / limit.max(1) * limit, "last"));
            Reply::Respond {
                status: 200,
                headers: vec![
                    ("Content-Type".into(), "application/json;charset=UTF-8".into()),
                    ("Link".into(), links.join(",")),
                    ("X-Total-Count".into(), total.to_string()),
                ],
                body: json!({"result": ids.iter().map(|i| json!({"number": format!("INC{i:07}")})).collect::<Vec<_>>()}).to_string().into_bytes(),
            }
        }
        "/api/graphql" | "/api/now/graphql" => {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let q = body["query"].as_str().unwrap_or_default();
            if q.contains("bad") {
                return Reply::json(
                    200,
                    &json!({"data": null, "errors": [{"message": "Field 'bad' doesn't exist on type 'Query'"}]}),
                );
            }
            Reply::json(
                200,
                &json!({"data": {"suppliers": [{"id": 1}]}, "variables": body["variables"]}),
            )
        }
        "/api/echo" | "/api/now/echo" => Reply::json(
            200,
            &json!({
                "method": req.method,
                "query": query(req),
                "body": String::from_utf8_lossy(&req.body),
                "content_type": req.header("content-type"),
                "accept": req.header("accept"),
                "x_extra": req.header("x-extra"),
            }),
        ),
        "/api/missing" => Reply::json(404, &json!({"errors": [{"message": "Not found"}]})),
        "/api/evil-link" | "/api/now/evil-link" => Reply::Respond {
            status: 200,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                (
                    "Link".into(),
                    "<http://127.0.0.2:9/steal>; rel=\"next\"".into(),
                ),
            ],
            body: b"[{\"id\":1}]".to_vec(),
        },
        "/api/terminal" => Reply::text(200, "text/plain", "before\x1b]0;pwned\x07\x1b[2Jafter"),
        _ => Reply::json(
            404,
            &json!({"errors": [{"message": format!("no route {path}")}]}),
        ),
    }
}
