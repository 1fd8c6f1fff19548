//! The layered verification of a profile: profile → permissions → secret → connection →
//! token → scopes, one check each, shared by `verify` and the wizard's verify screen.

mod report;
mod user_grant;

pub use report::{Check, CheckName, NAME_WIDTH, ProfileReport, Status, check};

use crate::base::exit::ExitCode;
use crate::protocol::token::{Context, Layer, Surface, TokenClient, test_credentials};
use crate::report::{describe_lifetime, test_failure_lines};
use crate::rules::fields::ENV_CLIENT_SECRET;
use crate::rules::secret::ClientSecret;
use crate::rules::timestamp;
use crate::stores::account::{Accounts, RunSecretError, SecretOrigin};
use crate::stores::profile::{Profile, ProfileError, ProfileStore, ProfilesFile, Verdict};

const AFTER_SECRET: [CheckName; 3] = [CheckName::Connection, CheckName::Token, CheckName::Scopes];

pub async fn verify_one(
    name: String,
    profile: Option<Profile>,
    perm: Check,
    client: &TokenClient,
    accounts: Accounts,
    surface: Surface,
) -> ProfileReport {
    let mut report = ProfileReport {
        name: name.clone(),
        provider: None,
        instance_url: None,
        ok: false,
        exit_code: 0,
        checks: Vec::new(),
    };
    let Some(profile) = profile else {
        report.checks.push(no_such_profile(&name, surface));
        return finalise(report, ExitCode::Usage);
    };
    report.provider = Some(profile.provider.clone());
    report.instance_url = Some(profile.instance_url.clone());
    let detail = format!(
        "{} client {} at {}",
        profile.provider, profile.client_id, profile.instance_url
    );
    report
        .checks
        .push(check(CheckName::Profile, Status::Ok, detail));
    let perm_failed = perm.status == Status::Fail;
    report.checks.push(perm);
    if perm_failed {
        let rest = [
            CheckName::Secret,
            CheckName::Connection,
            CheckName::Token,
            CheckName::Scopes,
        ];
        return skip_rest(finalise(report, ExitCode::Usage), &rest);
    }
    let secret = match read_secret(&name, &profile, &accounts, surface).await {
        Ok((secret, ok)) => {
            report.checks.push(ok);
            secret
        }
        Err((failed, code)) => {
            report.checks.push(failed);
            return skip_rest(finalise(report, code), &AFTER_SECRET);
        }
    };
    let code = if profile.grant_type.is_user_grant() {
        let checks = &mut report.checks;
        let run = user_grant::Run {
            client,
            accounts: &accounts,
            surface,
        };
        user_grant::check_user_grant(checks, &name, &profile, secret, run).await
    } else {
        check_token(&mut report.checks, &profile, secret, client, surface).await
    };
    finalise(report, code)
}

fn no_such_profile(name: &str, surface: Surface) -> Check {
    Check {
        fix: Some(match surface {
            Surface::CommandLine => "run oauth-setup list to see the profiles".into(),
            Surface::App => "pick a profile on the home screen".into(),
        }),
        ..check(
            CheckName::Profile,
            Status::Fail,
            format!("no profile named \"{name}\""),
        )
    }
}

/// The secret for this run: OAUTH_SETUP_CLIENT_SECRET when set, else the profile's store.
async fn read_secret(
    name: &str,
    profile: &Profile,
    accounts: &Accounts,
    surface: Surface,
) -> Result<(Option<ClientSecret>, Check), (Check, ExitCode)> {
    match accounts.secret_for_run(profile).await {
        Ok((secret, SecretOrigin::Environment)) => {
            let detail =
                format!("from {ENV_CLIENT_SECRET} (for this run; the stored one is not read)");
            Ok((secret, check(CheckName::Secret, Status::Ok, detail)))
        }
        Ok((secret, SecretOrigin::Public)) => Ok((
            secret,
            check(
                CheckName::Secret,
                Status::Ok,
                "none: a public client".to_string(),
            ),
        )),
        Ok((secret, SecretOrigin::Store(location))) => Ok((
            secret,
            check(
                CheckName::Secret,
                Status::Ok,
                format!("readable from the {location}"),
            ),
        )),
        Err(RunSecretError::Environment(e)) => Err((
            check(CheckName::Secret, Status::Fail, e.message),
            ExitCode::Usage,
        )),
        Err(RunSecretError::Store(e)) => Err((
            Check {
                fix: Some(e.fix(accounts.dir(), name, surface)),
                ..check(CheckName::Secret, Status::Fail, e.to_string())
            },
            ExitCode::SecretStore,
        )),
    }
}

/// The connection, token and scope checks, from one token test.
async fn check_token(
    checks: &mut Vec<Check>,
    profile: &Profile,
    secret: Option<ClientSecret>,
    client: &TokenClient,
    surface: Surface,
) -> ExitCode {
    let req = profile.client_side(secret);
    let dctx = Context {
        surface,
        ..profile.diagnosis_context()
    };
    let host = reqwest::Url::parse(&profile.token_url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
        .unwrap_or_default();
    match test_credentials(client, &req).await {
        Ok(ok) => {
            passed(checks, profile, &ok, &host, dctx.clients_page.as_deref());
            ExitCode::Ok
        }
        Err(f) => {
            let (summary, fix) = test_failure_lines(&f, &dctx);
            let failed = |name| Check {
                fix: Some(fix.clone()),
                ..check(name, Status::Fail, summary.clone())
            };
            if f.failure.layer() == Layer::Connection {
                checks.push(failed(CheckName::Connection));
                checks.push(skipped(CheckName::Token));
            } else {
                checks.push(check(
                    CheckName::Connection,
                    Status::Ok,
                    format!("reached {host}"),
                ));
                checks.push(failed(CheckName::Token));
            }
            checks.push(skipped(CheckName::Scopes));
            f.failure.exit_code()
        }
    }
}

/// The checks of a token request that passed: the connection, the token and its scopes.
fn passed(
    checks: &mut Vec<Check>,
    profile: &Profile,
    ok: &crate::protocol::token::TestOk,
    host: &str,
    page: Option<&str>,
) {
    let over = if profile.token_url.starts_with("https") {
        "over TLS"
    } else {
        "over plain HTTP (loopback)"
    };
    checks.push(check(
        CheckName::Connection,
        Status::Ok,
        format!("reached {host} {over}"),
    ));
    let mut detail = format!(
        "{} token, {}",
        ok.granted.token_type,
        describe_lifetime(ok.granted.expires_in)
    );
    let status = if ok.auth == profile.client_auth {
        Status::Ok
    } else {
        detail.push_str(&format!(
            "; only {} works (the profile says {}); run setup again or edit client_auth",
            ok.auth, profile.client_auth
        ));
        Status::Warn
    };
    checks.push(check(CheckName::Token, status, detail));
    checks.push(scope_check(
        &profile.scopes,
        ok.granted.scope.as_deref(),
        &ok.not_granted,
        page,
    ));
}

fn scope_check(
    requested: &[String],
    granted: Option<&[String]>,
    not_granted: &[String],
    page: Option<&str>,
) -> Check {
    if !not_granted.is_empty() {
        let fix = page.map_or("add them to the client on the server".to_string(), |p| {
            format!("add them to the client on {p}")
        });
        return Check {
            fix: Some(fix),
            ..check(
                CheckName::Scopes,
                Status::Warn,
                format!("not granted: {}", not_granted.join(" ")),
            )
        };
    }
    match (requested.is_empty(), granted) {
        (true, Some(g)) => check(
            CheckName::Scopes,
            Status::Ok,
            format!("none requested; granted: {}", g.join(" ")),
        ),
        (true, None) => check(
            CheckName::Scopes,
            Status::Ok,
            "none requested; the client's defaults apply",
        ),
        (false, Some(_)) => check(
            CheckName::Scopes,
            Status::Ok,
            match requested.len() {
                1 => "the requested scope was granted".to_string(),
                n => format!("all {n} requested scopes granted"),
            },
        ),
        (false, None) => check(
            CheckName::Scopes,
            Status::Ok,
            format!(
                "{} accepted (the server does not list what it granted)",
                crate::rules::fields::count(requested.len(), "requested scope")
            ),
        ),
    }
}

fn finalise(mut report: ProfileReport, code: ExitCode) -> ProfileReport {
    report.ok = code == ExitCode::Ok;
    report.exit_code = code.code();
    report
}

fn skipped(name: CheckName) -> Check {
    check(name, Status::Skip, "not checked: an earlier check failed")
}

fn skip_rest(mut report: ProfileReport, names: &[CheckName]) -> ProfileReport {
    report.checks.extend(names.iter().map(|n| skipped(*n)));
    report
}

/// The one report when the profiles file itself cannot be read.
pub fn unreadable_file(name: String, error: &ProfileError) -> ProfileReport {
    ProfileReport {
        name,
        provider: None,
        instance_url: None,
        ok: false,
        exit_code: ExitCode::Usage.code(),
        checks: vec![Check {
            fix: Some(match error {
                ProfileError::Parse {
                    backup: Some(b), ..
                } => format!("fix the file by hand, or restore {b}"),
                _ => "fix the file by hand".into(),
            }),
            ..check(CheckName::Profile, Status::Fail, error.to_string())
        }],
    }
}

/// Permissions once, every named profile's checks concurrently, each report told to `each`
/// (with its index in `names`) in the order of `names` as soon as it and those before it are
/// ready, then the results recorded in the profiles file. Reports are not kept: over a
/// thousand profiles, memory stays that of the few in flight. A failure to record is a warning
/// for the caller, not a failed verify. Each profile is taken out of `file` when its check
/// starts, so `names` are distinct.
pub async fn check_each_and_record(
    accounts: &Accounts,
    file: ProfilesFile,
    names: &[String],
    client: &TokenClient,
    surface: Surface,
    each: impl FnMut(usize, ProfileReport),
) -> Result<(), ProfileError> {
    let profiles = accounts.profiles();
    let perm = permission_check(&profiles);
    let run = (client, accounts, surface);
    let verdicts = verify_many(file, names, &perm, run, each).await;
    record(&profiles, names, verdicts)
}

/// Remember each verified profile's result (`verdicts` in the order of `names`).
fn record(
    profiles: &ProfileStore,
    names: &[String],
    verdicts: Vec<Verdict>,
) -> Result<(), ProfileError> {
    let now = timestamp::now();
    let mut by_name: std::collections::HashMap<&str, Verdict> =
        names.iter().map(String::as_str).zip(verdicts).collect();
    profiles.update_each(names, |name, p| {
        if let Some(verdict) = by_name.remove(name) {
            p.record(&verdict, now.clone());
        }
    })
}

/// The permissions check, once for all profiles: loose permissions are tightened and reported.
pub fn permission_check(profiles: &ProfileStore) -> Check {
    match profiles.fix_permissions() {
        Ok(fixed) if fixed.is_empty() => check(
            CheckName::Permissions,
            Status::Ok,
            "files 0600 in a 0700 folder",
        ),
        Ok(fixed) => check(
            CheckName::Permissions,
            Status::Warn,
            format!("fixed: {}", fixed.join("; ")),
        ),
        Err(e) => Check {
            fix: Some("make the config folder and its files yours, 0700 and 0600".into()),
            ..check(CheckName::Permissions, Status::Fail, e.to_string())
        },
    }
}

/// How many profiles are checked at once (each may hold a connection and a TLS session).
const IN_FLIGHT: usize = 32;

/// How far past the first untold report checks may start: reports that finish early wait for
/// those before them, and this bounds how many wait.
const AHEAD: usize = 4 * IN_FLIGHT;

/// Verify `names` concurrently, telling `each` every report in the order of `names`; the
/// verdicts come back in that order.
async fn verify_many(
    mut file: ProfilesFile,
    names: &[String],
    perm: &Check,
    (client, accounts, surface): (&TokenClient, &Accounts, Surface),
    mut each: impl FnMut(usize, ProfileReport),
) -> Vec<Verdict> {
    let mut tasks = tokio::task::JoinSet::new();
    let mut index_of = std::collections::HashMap::new();
    let mut waiting = std::collections::BTreeMap::new();
    let (mut started, mut told) = (0, 0);
    let mut verdicts = Vec::with_capacity(names.len());
    loop {
        // At most IN_FLIGHT at once: a thousand profiles are a thousand connections otherwise.
        while tasks.len() < IN_FLIGHT && started < names.len() && started < told + AHEAD {
            let name = names[started].clone();
            let profile = file.profiles.remove(&name);
            let (perm, client, accounts) = (perm.clone(), client.clone(), accounts.clone());
            let task = tasks.spawn(async move {
                verify_one(name, profile, perm, &client, accounts, surface).await
            });
            index_of.insert(task.id(), started);
            started += 1;
        }
        let Some(joined) = tasks.join_next_with_id().await else {
            break;
        };
        let (i, report) = match joined {
            Ok((id, report)) => (index_of.remove(&id), report),
            // A panicking check is a bug; it is reported as one, and the others still run.
            Err(e) => {
                crate::base::log::debug(format_args!("a verification task failed: {e}"));
                let i = index_of.remove(&e.id());
                (i, stopped(i.map_or("", |i| names[i].as_str())))
            }
        };
        if let Some(i) = i {
            waiting.insert(i, report);
        }
        while let Some(report) = waiting.remove(&told) {
            verdicts.push(if report.ok {
                Verdict::Passed
            } else {
                Verdict::CheckFailed(report.summary())
            });
            each(told, report);
            told += 1;
        }
    }
    verdicts
}

/// The report of a check that stopped before it ended (a bug, logged with -v).
fn stopped(name: &str) -> ProfileReport {
    let report = ProfileReport {
        name: name.to_string(),
        provider: None,
        instance_url: None,
        ok: false,
        exit_code: 0,
        checks: vec![check(
            CheckName::Profile,
            Status::Fail,
            "the check stopped unexpectedly (a bug: run with -v and report it)",
        )],
    };
    finalise(report, ExitCode::Internal)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::protocol::token::HttpOptions;
    use crate::stores::config_dir::ConfigDir;

    /// A public authorization-code client that never signed in, in an empty config folder.
    fn never_signed_in() -> Profile {
        toml::from_str(
            r#"provider = "generic"
instance_url = "http://127.0.0.1:9"
token_url = "http://127.0.0.1:9/token"
grant_type = "authorization_code"
client_id = "id"
client_auth = "none"
secret_ref = "acme"
created_at = "2026-01-01T00:00:00Z"
secret = { store = "file" }

[user_grant]
authorize_url = "http://127.0.0.1:9/authorize"
"#,
        )
        .unwrap()
    }

    /// The app's verify screen shows its own keys; only the command line names commands.
    #[tokio::test]
    async fn fixes_are_worded_for_the_front_end_that_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let accounts = Accounts::new(ConfigDir::new(tmp.path()), Duration::from_secs(1));
        let client = TokenClient::new(HttpOptions::default()).unwrap();
        let perm = check(CheckName::Permissions, Status::Ok, "");
        for (profile, failed) in [
            (Some(never_signed_in()), CheckName::RefreshToken),
            (None, CheckName::Profile),
        ] {
            let mut seen = Vec::new();
            for surface in [Surface::CommandLine, Surface::App] {
                let run = (profile.clone(), perm.clone(), accounts.clone());
                let r = verify_one("acme".into(), run.0, run.1, &client, run.2, surface).await;
                let c = r.checks.iter().find(|c| c.name == failed).unwrap();
                assert_eq!(c.status, Status::Fail, "{c:?}");
                let fix = c.fix.clone().unwrap();
                assert_eq!(
                    fix.contains("oauth-setup "),
                    surface == Surface::CommandLine
                );
                seen.push((r.exit_code, r.checks.len()));
            }
            // the same outcome from both front ends, in other words
            assert_eq!(seen[0], seen[1]);
        }
    }
}
