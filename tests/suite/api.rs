//! `api` against an API server on loopback that also issues the tokens: paths below the
//! preset's API base, JSON asked for, Coupa's offset pages and ServiceNow's Link pages followed
//! to the end, one new token after a 401, rate limits waited within a bound, GraphQL errors,
//! fields and headers, and the token never sent to another host or printed.

use serde_json::Value;

use crate::support::api_server::{ApiServer, TOKEN};
use crate::support::cli::{Env, Run};

fn coupa() -> (ApiServer, Env) {
    let api = ApiServer::start("/oauth2/token");
    let env = Env::new();
    env.setup(
        "acme",
        &api.url(),
        "api-client",
        "api-secret",
        "core.common.read",
        &[],
    )
    .expect(0);
    (api, env)
}

fn servicenow() -> (ApiServer, Env) {
    let api = ApiServer::start("/oauth_token.do");
    let env = Env::new();
    env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "servicenow",
            "--profile",
            "snow",
            "--instance",
            &api.url(),
            "--client-id",
            "api-client",
            "--scopes",
            "useraccount",
            "--client-secret-stdin",
            "--secret-store",
            "file",
        ],
        "api-secret",
    )
    .expect(0);
    (api, env)
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.all()))
}

fn ids(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect()
}

#[test]
fn a_path_goes_below_the_api_base_and_json_is_asked_for() {
    let (api, env) = coupa();
    api.state.lock().unwrap().invoices = 3;
    let run = env.run(&["api", "acme", "invoices"]);
    run.expect(0);
    assert_eq!(ids(&json(&run)), [1, 2, 3]);
    let sent = api.api_requests();
    assert_eq!(sent[0].path, "/api/invoices");
    assert_eq!(sent[0].header("accept"), Some("application/json"));
    // The same from the instance's root, and as a full URL on its host.
    env.run(&["api", "acme", "/api/invoices"]).expect(0);
    env.run(&[
        "api",
        "acme",
        &format!("{}/api/invoices?limit=1", api.url()),
    ])
    .expect(0);
    assert_eq!(api.api_requests()[2].path, "/api/invoices?limit=1");
    // Coupa answers XML unless JSON is asked for; the answer is written as it came.
    let xml = env.run(&["api", "acme", "invoices", "-H", "Accept: application/xml"]);
    xml.expect(0);
    assert!(xml.stdout.starts_with("<?xml"), "{}", xml.stdout);
}

#[test]
fn coupa_lists_are_followed_page_by_page_until_a_short_page() {
    let (api, env) = coupa();
    for n in [0usize, 1, 49, 50, 51, 100, 149, 150] {
        api.state.lock().unwrap().invoices = n;
        let before = api.api_requests().len();
        let run = env.run(&["api", "acme", "invoices", "--paginate"]);
        run.expect(0);
        assert_eq!(
            ids(&json(&run)),
            (1..=n as u64).collect::<Vec<_>>(),
            "{n} records"
        );
        assert_eq!(
            api.api_requests().len() - before,
            n / 50 + 1,
            "{n} records: pages asked"
        );
        let lines = env.run(&["api", "acme", "invoices", "--paginate", "--json-lines"]);
        assert_eq!(lines.stdout.lines().count(), n);
        let jq = env.run(&[
            "api",
            "acme",
            "invoices",
            "--paginate",
            "--jq",
            ".[\"invoice-number\"]",
        ]);
        jq.expect(0);
        let want: Vec<String> = (1..=n).map(|i| format!("INV-{i}")).collect();
        assert_eq!(
            jq.stdout.lines().collect::<Vec<_>>(),
            want,
            "raw strings, one a line"
        );
    }
    let pages: Vec<String> = api
        .api_requests()
        .iter()
        .rev()
        .take(2)
        .map(|r| r.path.clone())
        .collect();
    assert!(
        pages.contains(&"/api/invoices?limit=50&offset=100".to_string()),
        "{pages:?}"
    );
}

#[test]
fn servicenow_lists_follow_the_link_header() {
    let (api, env) = servicenow();
    api.state.lock().unwrap().incidents = 2500;
    let run = env.run(&[
        "api",
        "snow",
        "table/incident",
        "--paginate",
        "--jq",
        ".number",
    ]);
    run.expect(0);
    let numbers: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(numbers.len(), 2500);
    assert_eq!((numbers[0], numbers[2499]), ("INC0000001", "INC0002500"));
    let paths: Vec<String> = api.api_requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/api/now/table/incident?sysparm_limit=1000",
            "/api/now/table/incident?sysparm_limit=1000&sysparm_offset=1000",
            "/api/now/table/incident?sysparm_limit=1000&sysparm_offset=2000",
        ]
    );
}

#[test]
fn a_revoked_cached_token_gets_one_new_token_and_one_more_try() {
    let (api, env) = coupa();
    api.state.lock().unwrap().invoices = 1;
    env.run(&["api", "acme", "invoices"]).expect(0);
    api.revoke_all();
    let run = env.run(&["api", "acme", "invoices"]);
    run.expect(0);
    assert!(
        run.stderr.contains("refused the cached token (HTTP 401)"),
        "{}",
        run.stderr
    );
    let seen = api.state.lock().unwrap().seen.clone();
    assert_eq!(
        seen.len(),
        2,
        "the first call's token, then the retry's: {seen:?}"
    );
    assert_ne!(seen[0], seen[1], "the retry carries a new token");
    // The new token was cached: the next call asks for none.
    let posts = api
        .server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    env.run(&["api", "acme", "invoices"]).expect(0);
    assert_eq!(
        api.server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        posts
    );
    // A new token that is refused too is not tried again: one renewal, then the answer.
    api.state.lock().unwrap().refuse_all = true;
    let before = api.server.requests().len();
    let refused = env.run(&["api", "acme", "invoices"]);
    refused.expect(7);
    assert!(refused.stderr.contains("HTTP 401"), "{}", refused.stderr);
    assert_eq!(
        api.server.requests().len() - before,
        3,
        "call, new token, call"
    );
}

#[test]
fn rate_limits_are_waited_for_within_the_bound() {
    let (api, env) = coupa();
    {
        let mut st = api.state.lock().unwrap();
        (st.invoices, st.limited, st.limited_for) = (2, 1, 1);
    }
    let run = env.run(&["api", "acme", "invoices"]);
    run.expect(0);
    assert!(
        run.stderr.contains("rate limited; waiting 1s"),
        "{}",
        run.stderr
    );
    assert_eq!(ids(&json(&run)), [1, 2]);
    {
        let mut st = api.state.lock().unwrap();
        (st.limited, st.limited_for) = (1, 120);
    }
    let over = env.run(&["api", "acme", "invoices", "--max-wait", "5s"]);
    over.expect(7);
    assert!(
        over.stderr
            .contains("asks to wait 2m, more than --max-wait 5s"),
        "{}",
        over.stderr
    );

    // ServiceNow's reset time (a UNIX time), from the preset.
    let (api, env) = servicenow();
    {
        let mut st = api.state.lock().unwrap();
        (st.incidents, st.limited, st.limited_for) = (1, 1, 1);
    }
    let run = env.run(&["api", "snow", "table/incident"]);
    run.expect(0);
    assert!(
        run.stderr.contains("rate limited; waiting"),
        "{}",
        run.stderr
    );
}

#[test]
fn graphql_errors_in_a_200_exit_non_zero() {
    let (api, env) = coupa();
    let bad = env.run(&["api", "acme", "graphql", "-f", "query={ bad }"]);
    bad.expect(7);
    assert!(
        bad.stdout.contains("doesn't exist"),
        "the answer is printed: {}",
        bad.stdout
    );
    assert!(
        bad.stderr.contains("GraphQL answer carries errors"),
        "{}",
        bad.stderr
    );
    let good = env.run(&[
        "api",
        "acme",
        "graphql",
        "-f",
        "query=query($n: Int) { suppliers(first: $n) { id } }",
        "-F",
        "n=2",
    ]);
    good.expect(0);
    assert_eq!(json(&good)["variables"], serde_json::json!({"n": 2}));
    let sent = api.api_requests();
    assert_eq!(sent.last().unwrap().method, "POST");
}

#[test]
fn fields_headers_input_and_include() {
    let (_api, env) = coupa();
    // As gh api: fields make a POST unless -X GET, where they are the query.
    let get = json(&env.run(&[
        "api", "acme", "echo", "-X", "GET", "-f", "q=a b", "-f", "limit=5",
    ]));
    assert_eq!(get["method"], "GET");
    assert_eq!(
        get["query"],
        serde_json::json!([["q", "a b"], ["limit", "5"]])
    );
    let post = json(&env.run(&[
        "api",
        "acme",
        "echo",
        "-F",
        "n=3",
        "-F",
        "ok=true",
        "-f",
        "s=3",
        "-H",
        "X-Extra: 42",
    ]));
    assert_eq!(post["method"], "POST");
    assert_eq!(post["content_type"], "application/json");
    assert_eq!(post["x_extra"], "42");
    let body: Value = serde_json::from_str(post["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({"n": 3, "ok": true, "s": "3"}));
    let put = json(&env.run_stdin(
        &["api", "acme", "echo", "-X", "put", "--input", "-"],
        "{\"raw\":1}",
    ));
    assert_eq!(
        (put["method"].as_str(), put["body"].as_str()),
        (Some("PUT"), Some("{\"raw\":1}"))
    );
    let head = env.run(&["api", "acme", "echo", "-i"]);
    head.expect(0);
    assert!(
        head.stdout.starts_with("HTTP/1.1 200 OK\n"),
        "{}",
        head.stdout
    );
    assert!(
        head.stdout
            .to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{}",
        head.stdout
    );
    for (args, says) in [
        (vec!["-H", "Authorization: Bearer x"], "-H Authorization"),
        (vec!["-H", "no colon"], "not a header"),
        (vec!["-f", "novalue"], "not KEY=VALUE"),
        (vec!["--jq", ".["], "--jq"),
        (vec!["--paginate", "-X", "POST"], "--paginate follows"),
    ] {
        let mut all = vec!["api", "acme", "echo"];
        all.extend(args);
        let run = env.run(&all);
        run.expect(2);
        assert!(run.stderr.contains(says), "{says}: {}", run.stderr);
    }
}

#[test]
fn the_token_goes_to_the_instance_only_and_is_never_printed() {
    let (api, env) = coupa();
    let other = env.run(&["api", "acme", "http://127.0.0.2:9/api/invoices"]);
    other.expect(2);
    assert!(
        other.stderr.contains("not on the instance's host"),
        "{}",
        other.stderr
    );
    // A Link header to another host is not followed (ServiceNow's lists follow Link headers).
    let (_snow_api, snow) = servicenow();
    let link = snow.run(&["api", "snow", "evil-link", "--paginate"]);
    link.expect(7);
    assert!(
        link.stderr.contains("another host; nothing was sent there"),
        "{}",
        link.stderr
    );
    let missing = env.run(&["api", "acme", "missing"]);
    missing.expect(7);
    assert!(
        missing.stdout.contains("Not found"),
        "the error answer is printed: {}",
        missing.stdout
    );
    assert!(missing.stderr.contains("HTTP 404"), "{}", missing.stderr);
    let verbose = env.run(&["-v", "api", "acme", "invoices"]);
    verbose.expect(0);
    assert!(
        verbose.stderr.contains("Authorization: Bearer [redacted]"),
        "{}",
        verbose.stderr
    );
    for run in [&other, &link, &missing, &verbose] {
        assert!(!run.all().contains(TOKEN), "{}", run.all());
    }
    assert!(
        api.state
            .lock()
            .unwrap()
            .seen
            .iter()
            .all(|t| t.starts_with(TOKEN))
    );
}
