//! The JSON outputs against their documented schemas (docs/schemas): real outputs of real runs,
//! failures included. Every object in a schema refuses properties it does not name, so an output
//! that gains, loses (when required) or retypes a field fails here until its schema says so.

use std::path::PathBuf;

use serde_json::Value;

use crate::authcode::{Browser, coupa_server, setup as sign_in_setup};
use crate::support::bao::{Bao, ROOT, vault_setup_args};
use crate::support::cli::{Env, Run};
use crate::support::oauth::OAuthConfig;

const BASE: &str = "https://oauth-setup.invalid/schemas/";
const OUTPUTS: [&str; 6] = ["verify", "list", "show", "token", "discover", "inspect"];

fn schema_file(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schemas")
        .join(format!("{name}.schema.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every object schema closes its properties, so that nothing undocumented gets through.
fn assert_closed(schema: &Value, at: &str) {
    match schema {
        Value::Object(map) => {
            if map.get("type") == Some(&Value::String("object".into())) {
                assert!(
                    map.contains_key("additionalProperties"),
                    "{at}: an object schema must say additionalProperties"
                );
            }
            for (k, v) in map {
                assert_closed(v, &format!("{at}/{k}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| assert_closed(v, at)),
        _ => {}
    }
}

/// The output of `oauth-setup <args>` checked against schema `name`; its problems, if any.
#[track_caller]
pub fn check(name: &str, stdout: &str) -> Value {
    let doc: Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("{name}: not JSON ({e}):\n{stdout}"));
    let registry = jsonschema::Registry::new()
        .add(format!("{BASE}common.schema.json"), schema_file("common"))
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&schema_file(name))
        .unwrap_or_else(|e| panic!("{name}.schema.json: {e}"));
    let problems: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        problems.is_empty(),
        "{name} output does not match docs/schemas/{name}.schema.json:\n{}\n{stdout}",
        problems.join("\n")
    );
    doc
}

#[test]
fn every_schema_is_closed_and_names_its_version() {
    for name in OUTPUTS {
        let schema = schema_file(name);
        assert_closed(&schema, name);
        assert_eq!(
            schema["properties"]["schema_version"]["const"], 1,
            "{name}: schema_version"
        );
    }
    assert_closed(&schema_file("common"), "common");
}

#[test]
fn the_schemas_refuse_what_they_do_not_describe() {
    // The test above is only worth something if a changed output fails it.
    let env = Env::new();
    let out = env.run(&["list", "--json"]);
    let mut doc: Value = serde_json::from_str(&out.stdout).unwrap();
    doc["profiles"] = serde_json::json!([{"name": "x", "new_field": 1}]);
    let result = std::panic::catch_unwind(|| check("list", &doc.to_string()));
    assert!(result.is_err(), "an undocumented field must fail");
}

#[test]
fn client_credentials_outputs_match_their_schemas() {
    let oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();

    // Nothing yet: the documents are still whole.
    check("list", &env.run(&["list", "--json"]).expect(0).stdout);
    check(
        "verify",
        &env.run(&["verify", "--all", "--json"]).expect(0).stdout,
    );

    env.add_profile("acme", &server);
    let v = check(
        "verify",
        &env.run(&["verify", "acme", "--json"]).expect(0).stdout,
    );
    assert_eq!(v["ok"], true);
    let fresh = check(
        "token",
        &env.run(&["token", "acme", "--format", "json"])
            .expect(0)
            .stdout,
    );
    assert_eq!(fresh["cached"], false);
    let cached = check(
        "token",
        &env.run(&["token", "acme", "--format", "json"])
            .expect(0)
            .stdout,
    );
    assert_eq!(cached["cached"], true);
    let list = check("list", &env.run(&["list", "--json"]).expect(0).stdout);
    assert!(list["profiles"][0]["access_token_expires_at"].is_string());
    check(
        "show",
        &env.run(&["show", "acme", "--json"]).expect(0).stdout,
    );

    // Failures: a refused secret, a missing secret, an unreadable profiles file.
    let refused = Run::from_output(
        env.cmd()
            .args(["verify", "acme", "--json"])
            .env("OAUTH_SETUP_CLIENT_SECRET", "wrong")
            .output()
            .unwrap(),
    );
    let doc = check("verify", refused.expect(4).stdout.as_str());
    assert!(doc["profiles"][0]["checks"][4]["fix"].is_string(), "{doc}");
    std::fs::remove_file(env.config().join("secrets.toml")).unwrap();
    check(
        "verify",
        &env.run(&["verify", "acme", "--json"]).expect(3).stdout,
    );
    let shown = check(
        "show",
        &env.run(&["show", "acme", "--json"]).expect(0).stdout,
    );
    assert_eq!(shown["secret"]["status"], "missing");
    std::fs::write(env.profiles(), "schema_version = \"one\"\n").unwrap();
    let broken = check(
        "verify",
        &env.run(&["verify", "acme", "--json"]).expect(2).stdout,
    );
    assert!(broken["profiles"][0].get("provider").is_none());
}

#[test]
fn vault_and_command_profiles_match_the_show_schema() {
    let bao = Bao::start();
    let oauth = OAuthConfig::new("id", "sec", &["core.common.read"]);
    let server = oauth.start();
    let env = Env::new();
    let url = server.url("/oauth2/token");
    let vaulted = Run::from_output(
        env.cmd()
            .env("BAO_TOKEN", ROOT)
            .args(vault_setup_args(&url, &bao.addr))
            .write_stdin("sec")
            .output()
            .unwrap(),
    );
    vaulted.expect(0);
    let secret_file = env.dir.path().join("secret.txt");
    std::fs::write(&secret_file, "sec\n").unwrap();
    let read = format!("cat {}", secret_file.display());
    crate::command_store::setup(&env, &url, &read, None).expect(0);
    let show = |name: &str| {
        Run::from_output(
            env.cmd()
                .env("BAO_TOKEN", ROOT)
                .args(["show", name, "--json"])
                .output()
                .unwrap(),
        )
    };
    let team = check("show", &show("team").expect(0).stdout);
    assert!(team["vault_versions"].is_array(), "{team}");
    assert!(team["vault_last_rotation"].is_object(), "{team}");
    let managed = check("show", &show("pm").expect(0).stdout);
    assert!(managed["command"]["read"].is_string(), "{managed}");
    check("list", &env.run(&["list", "--json"]).expect(0).stdout);
}

#[test]
fn signed_in_profiles_and_discovery_match_their_schemas() {
    let oidc = coupa_server("no");
    let env = Env::new();
    sign_in_setup(&env, &oidc, &Browser::new(&env, "consent"), &[]).expect(0);
    let shown = check(
        "show",
        &env.run(&["show", "acme", "--json"]).expect(0).stdout,
    );
    assert!(shown["user_grant"].is_object(), "{shown}");
    assert!(shown["refresh_token"].is_object(), "{shown}");
    let list = check("list", &env.run(&["list", "--json"]).expect(0).stdout);
    assert!(list["profiles"][0]["refresh_token_obtained_at"].is_string());
    let verified = check(
        "verify",
        &env.run(&["verify", "acme", "--json"]).expect(0).stdout,
    );
    let names: Vec<&str> = verified["profiles"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"refresh token"), "{names:?}");
    check(
        "token",
        &env.run(&["token", "acme", "--format", "json"])
            .expect(0)
            .stdout,
    );
    let found = check(
        "discover",
        &env.run(&["discover", &oidc.issuer, "--json"])
            .expect(0)
            .stdout,
    );
    assert_eq!(found["issuer"], oidc.issuer.as_str());
}
