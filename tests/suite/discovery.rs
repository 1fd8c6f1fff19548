//! `discover` and `setup --issuer` against metadata served on 127.0.0.1: both URL forms, the
//! exact-issuer rule, and the answers a server should not give.

use serde_json::json;

use crate::support::cli::Env;
use crate::support::oauth::OAuthConfig;
use crate::support::server::{Reply, Request, Server};

const ID: &str = "client-9";
const SECRET: &str = "discovered-secret";

/// The origin the request was sent to, as the server's own issuer.
fn origin(req: &Request) -> String {
    format!("http://{}", req.header("host").unwrap_or_default())
}

fn metadata(issuer: &str, token_endpoint: &str) -> serde_json::Value {
    json!({
        "issuer": issuer,
        "token_endpoint": token_endpoint,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "grant_types_supported": ["client_credentials", "authorization_code"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "scopes_supported": ["api.read", "api.write"],
        "code_challenge_methods_supported": ["S256"],
    })
}

/// An OpenID-style server: metadata at the appended path, a token endpoint at /token.
fn openid_server() -> Server {
    let mut oauth = OAuthConfig::new(ID, SECRET, &["api.read"]);
    oauth.path = "/token".into();
    Server::start(move |req| {
        if req.path == "/.well-known/openid-configuration" {
            let issuer = origin(req);
            return Reply::json(200, &metadata(&issuer, &format!("{issuer}/token")));
        }
        oauth.handle(req)
    })
}

#[test]
fn discover_shows_the_endpoints_and_setup_uses_them() {
    let server = openid_server();
    let issuer = server.url("");
    let env = Env::new();
    let run = env.run(&["discover", &issuer]);
    run.expect(0);
    assert!(
        run.stdout
            .contains(&format!("token endpoint:       {issuer}/token")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("PKCE S256:            yes"));
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["discover", &issuer, "--json"]).stdout).unwrap();
    assert_eq!(json["grant_types"][0], "client_credentials");
    assert_eq!(json["client_auth"][0], "client_secret_post");

    let setup = env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "generic",
            "--profile",
            "found",
            "--issuer",
            &issuer,
            "--client-id",
            ID,
            "--scopes",
            "api.read",
            "--client-secret-stdin",
            "--secret-store",
            "file",
        ],
        SECRET,
    );
    setup.expect(0);
    assert!(!setup.stderr.contains("does not list"), "{}", setup.stderr);
    let typo = env.run_stdin(
        &[
            "setup",
            "--non-interactive",
            "--provider",
            "generic",
            "--profile",
            "typo",
            "--issuer",
            &issuer,
            "--client-id",
            ID,
            "--scopes",
            "api.raed",
            "--client-secret-stdin",
            "--secret-store",
            "file",
        ],
        SECRET,
    );
    assert!(
        typo.stderr
            .contains("does not list the scope api.raed (it lists api.read api.write)"),
        "{}",
        typo.stderr
    );
    let profiles = env.read_profiles();
    assert!(
        profiles.contains(&format!("token_url = \"{issuer}/token\"")),
        "{profiles}"
    );
    assert!(
        profiles.contains("client_auth = \"client_secret_post\""),
        "the server's own method: {profiles}"
    );
    env.run(&["verify", "found"]).expect(0);
}

#[test]
fn the_rfc_8414_form_with_an_issuer_path() {
    let server = Server::start(|req| {
        if req.path == "/.well-known/oauth-authorization-server/tenant" {
            let issuer = format!("{}/tenant", origin(req));
            return Reply::json(200, &metadata(&issuer, &format!("{issuer}/token")));
        }
        Reply::text(404, "text/html", "<html>nope</html>")
    });
    let issuer = server.url("/tenant");
    let run = Env::new().run(&["discover", &issuer]);
    run.expect(0);
    assert!(
        run.stdout
            .contains("/.well-known/oauth-authorization-server/tenant")
    );
}

/// How a test server answers every request.
type Answer = fn(&Request) -> Reply;

#[test]
fn answers_a_server_should_not_give_are_named() {
    let cases: [(Answer, &str); 4] = [
        (
            |_| {
                Reply::json(
                    200,
                    &metadata("https://impostor.example.com", "https://x/token"),
                )
            },
            "says its issuer is \"https://impostor.example.com\"",
        ),
        (
            |_| Reply::redirect(302, "https://elsewhere.example.com/"),
            "redirects are not followed",
        ),
        (
            |_| Reply::text(200, "text/html", "<html>login</html>"),
            "is not a metadata document",
        ),
        (
            |_| Reply::text(200, "application/json", vec![b' '; 2 * 1024 * 1024]),
            "larger than 1 MiB",
        ),
    ];
    for (reply, want) in cases {
        let server = Server::start(reply);
        let run = Env::new().run(&["discover", &server.url("")]);
        run.expect(5);
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
        assert_eq!(
            server.requests().len(),
            1,
            "{want}: stops at the first bad answer"
        );
    }
    let plain = Env::new().run(&["discover", "http://auth.example.com"]);
    plain.expect(2);
    assert!(
        plain.stderr.contains("must use https://"),
        "{}",
        plain.stderr
    );
    let missing = Server::start(|_| Reply::text(404, "text/html", "<html>no</html>"));
    let run = Env::new().run(&["discover", &missing.url("")]);
    run.expect(5);
    assert!(
        run.stderr.contains("no metadata document was found"),
        "{}",
        run.stderr
    );
}
