//! `verify`: layered checks per profile, several profiles at once, text or JSON.

use serde::Serialize;

use super::output::{describe_lifetime, test_failure_lines};
use super::{CmdError, Ctx, diagnosis_context, token_request};
use crate::cli::VerifyArgs;
use crate::exit::ExitCode;
use crate::profile::{Profile, Verification};
use crate::secret_store::ENV_CLIENT_SECRET;
use crate::timestamp;
use crate::token::{Layer, TokenClient, test_credentials};

pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ProfileReport {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_url: Option<String>,
    pub ok: bool,
    pub exit_code: i32,
    pub checks: Vec<Check>,
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    ok: bool,
    exit_code: i32,
    profiles: &'a [ProfileReport],
}

fn check(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        name,
        status,
        detail: detail.into(),
        fix: None,
    }
}

pub async fn run(ctx: &Ctx, args: VerifyArgs) -> Result<(), CmdError> {
    let perm_fixes = ctx.profiles.fix_permissions();
    let file = match ctx.profiles.load() {
        Ok(f) => f,
        Err(e) => {
            let report = ProfileReport {
                name: args.profiles.first().cloned().unwrap_or_else(|| "*".into()),
                provider: None,
                instance_url: None,
                ok: false,
                exit_code: ExitCode::Usage.code(),
                checks: vec![Check {
                    fix: Some("fix the file by hand, or restore the backup".into()),
                    ..check("profile", Status::Fail, e.to_string())
                }],
            };
            return finish(ctx, &args, vec![report]);
        }
    };
    let names: Vec<String> = if args.all {
        file.profiles.keys().cloned().collect()
    } else if !args.profiles.is_empty() {
        args.profiles.clone()
    } else {
        match &file.default_profile {
            Some(d) => vec![d.clone()],
            None => {
                return Err(
                    CmdError::usage("no profile given and no default profile is set")
                        .with_fix("name profiles, or use --all"),
                );
            }
        }
    };
    if names.is_empty() {
        return Err(CmdError::usage("there are no profiles to verify")
            .with_fix("create one with oauth-setup setup --non-interactive ..."));
    }
    let perm_check = match &perm_fixes {
        Ok(fixed) if fixed.is_empty() => {
            check("permissions", Status::Ok, "files 0600 in a 0700 folder")
        }
        Ok(fixed) => check(
            "permissions",
            Status::Warn,
            format!("fixed: {}", fixed.join("; ")),
        ),
        Err(e) => Check {
            fix: Some("make the config folder and its files yours, 0700 and 0600".into()),
            ..check("permissions", Status::Fail, e.to_string())
        },
    };
    let client = ctx.client()?;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, name) in names.iter().enumerate() {
        let profile = file.get(name).cloned();
        let (name, perm, client) = (name.clone(), clone_check(&perm_check), client.clone());
        let secrets_ctx = SecretsHandle {
            ctx_secrets: ctx.secrets.clone(),
            dir: ctx.dir.clone(),
        };
        tasks.spawn(async move {
            (
                i,
                verify_one(name, profile, perm, &client, secrets_ctx).await,
            )
        });
    }
    let mut reports: Vec<(usize, ProfileReport)> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        reports.push(
            joined
                .map_err(|e| CmdError::new(ExitCode::Internal, format!("a check crashed: {e}")))?,
        );
    }
    reports.sort_by_key(|(i, _)| *i);
    let reports: Vec<ProfileReport> = reports.into_iter().map(|(_, r)| r).collect();
    record(ctx, &reports);
    finish(ctx, &args, reports)
}

fn clone_check(c: &Check) -> Check {
    Check {
        name: c.name,
        status: c.status,
        detail: c.detail.clone(),
        fix: c.fix.clone(),
    }
}

struct SecretsHandle {
    ctx_secrets: crate::secret_store::SecretStores,
    dir: crate::config_dir::ConfigDir,
}

async fn verify_one(
    name: String,
    profile: Option<Profile>,
    perm: Check,
    client: &TokenClient,
    secrets: SecretsHandle,
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
        report.checks.push(Check {
            fix: Some("run oauth-setup list to see the profiles".into()),
            ..check(
                "profile",
                Status::Fail,
                format!("no profile named \"{name}\""),
            )
        });
        return finalise(report, ExitCode::Usage);
    };
    report.provider = Some(profile.provider.clone());
    report.instance_url = Some(profile.instance_url.clone());
    report.checks.push(check(
        "profile",
        Status::Ok,
        format!(
            "{} client {} at {}",
            profile.provider, profile.client_id, profile.instance_url
        ),
    ));
    let perm_failed = perm.status == Status::Fail;
    report.checks.push(perm);
    if perm_failed {
        return skip_rest(
            finalise(report, ExitCode::Usage),
            &["secret", "connection", "token", "scopes"],
        );
    }
    let kind = profile.secret_store;
    let secret_ref = profile.secret_ref.clone();
    let stores = secrets.ctx_secrets.clone();
    let from_env = std::env::var_os(ENV_CLIENT_SECRET).is_some();
    let secret = tokio::task::spawn_blocking(move || {
        if from_env {
            return Ok(None);
        }
        stores.get(kind, &secret_ref).map(Some)
    })
    .await;
    let secret = match secret {
        Ok(Ok(Some(s))) => {
            report.checks.push(check(
                "secret",
                Status::Ok,
                format!(
                    "readable from the {}",
                    secrets.ctx_secrets.describe(kind, &profile.secret_ref)
                ),
            ));
            s
        }
        Ok(Ok(None)) => match crate::fields::parse_secret(crate::secret::Secret::new(
            std::env::var(ENV_CLIENT_SECRET).unwrap_or_default(),
        )) {
            Ok(v) => {
                report.checks.push(check(
                    "secret",
                    Status::Ok,
                    format!("from {ENV_CLIENT_SECRET} (for this run; the stored one is not read)"),
                ));
                v.value
            }
            Err(e) => {
                report.checks.push(check(
                    "secret",
                    Status::Fail,
                    format!("{ENV_CLIENT_SECRET}: {}", e.message),
                ));
                return skip_rest(
                    finalise(report, ExitCode::Usage),
                    &["connection", "token", "scopes"],
                );
            }
        },
        Ok(Err(e)) => {
            report.checks.push(Check {
                fix: Some(e.fix(&secrets.dir).replace("PROFILE", &name)),
                ..check("secret", Status::Fail, e.to_string())
            });
            return skip_rest(
                finalise(report, ExitCode::SecretStore),
                &["connection", "token", "scopes"],
            );
        }
        Err(e) => {
            report.checks.push(check(
                "secret",
                Status::Fail,
                format!("the secret store call crashed: {e}"),
            ));
            return skip_rest(
                finalise(report, ExitCode::Internal),
                &["connection", "token", "scopes"],
            );
        }
    };
    let req = token_request(&profile, secret);
    let dctx = diagnosis_context(&profile.provider, &profile.instance_url, &profile.token_url);
    let host = reqwest::Url::parse(&profile.token_url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
        .unwrap_or_default();
    match test_credentials(client, &req).await {
        Ok(ok) => {
            let scheme = if profile.token_url.starts_with("https") {
                "over TLS"
            } else {
                "over plain HTTP (loopback)"
            };
            report.checks.push(check(
                "connection",
                Status::Ok,
                format!("reached {host} {scheme}"),
            ));
            let mut detail = format!(
                "{} token, {}",
                ok.granted.token_type,
                describe_lifetime(ok.granted.expires_in)
            );
            if ok.auth != profile.client_auth {
                detail.push_str(&format!(
                    "; only {} works (the profile says {}); run setup again or edit client_auth",
                    ok.auth, profile.client_auth
                ));
            }
            let token_status = if ok.auth == profile.client_auth {
                Status::Ok
            } else {
                Status::Warn
            };
            report.checks.push(check("token", token_status, detail));
            report.checks.push(scope_check(
                &profile.scopes,
                ok.granted.scope.as_deref(),
                &ok.not_granted,
                dctx.clients_page.as_deref(),
            ));
            finalise(report, ExitCode::Ok)
        }
        Err(f) => {
            let (summary, fix) = test_failure_lines(&f, &dctx);
            let code = f.failure.exit_code();
            if f.failure.layer() == Layer::Connection {
                report.checks.push(Check {
                    fix: Some(fix),
                    ..check("connection", Status::Fail, summary)
                });
                skip_rest(finalise(report, code), &["token", "scopes"])
            } else {
                report
                    .checks
                    .push(check("connection", Status::Ok, format!("reached {host}")));
                report.checks.push(Check {
                    fix: Some(fix),
                    ..check("token", Status::Fail, summary)
                });
                skip_rest(finalise(report, code), &["scopes"])
            }
        }
    }
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
                "scopes",
                Status::Warn,
                format!("not granted: {}", not_granted.join(" ")),
            )
        };
    }
    match (requested.is_empty(), granted) {
        (true, Some(g)) => check(
            "scopes",
            Status::Ok,
            format!("none requested; granted: {}", g.join(" ")),
        ),
        (true, None) => check(
            "scopes",
            Status::Ok,
            "none requested; the client's defaults apply",
        ),
        (false, Some(_)) => check(
            "scopes",
            Status::Ok,
            format!("all {} requested scopes granted", requested.len()),
        ),
        (false, None) => check(
            "scopes",
            Status::Ok,
            format!(
                "{} requested scopes accepted (the server does not list what it granted)",
                requested.len()
            ),
        ),
    }
}

fn finalise(mut report: ProfileReport, code: ExitCode) -> ProfileReport {
    report.ok = code == ExitCode::Ok;
    report.exit_code = code.code();
    report
}

fn skip_rest(mut report: ProfileReport, names: &[&'static str]) -> ProfileReport {
    for n in names {
        report.checks.push(check(
            n,
            Status::Skip,
            "not checked: an earlier check failed",
        ));
    }
    report
}

/// Remember each verified profile's result; a failure to record is a warning, not a failed verify.
fn record(ctx: &Ctx, reports: &[ProfileReport]) {
    let now = timestamp::now();
    let result = ctx.profiles.update(|file| {
        for r in reports {
            if let Some(p) = file.profiles.get_mut(&r.name) {
                let result = r
                    .checks
                    .iter()
                    .find(|c| c.status == Status::Fail)
                    .map_or("ok".to_string(), |c| format!("{}: {}", c.name, c.detail));
                p.last_verification = Some(Verification {
                    at: now.clone(),
                    ok: r.ok,
                    result,
                });
            }
        }
        Ok::<(), ()>(())
    });
    if let Err(e) = result {
        eprintln!(
            "{} could not record the result: {e}",
            ctx.style.warn("warning:")
        );
    }
}

fn finish(ctx: &Ctx, args: &VerifyArgs, reports: Vec<ProfileReport>) -> Result<(), CmdError> {
    let code = reports.iter().find(|r| !r.ok).map_or(0, |r| r.exit_code);
    if args.json {
        let doc = Document {
            schema_version: JSON_SCHEMA_VERSION,
            ok: code == 0,
            exit_code: code,
            profiles: &reports,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&doc)
                .map_err(|e| CmdError::new(ExitCode::Internal, e.to_string()))?
        );
    } else {
        for r in &reports {
            let where_ = r
                .instance_url
                .as_deref()
                .map(|u| format!(" ({u})"))
                .unwrap_or_default();
            println!("{}{where_}", r.name);
            for c in &r.checks {
                let word = match c.status {
                    Status::Ok => ctx.style.ok("ok  "),
                    Status::Warn => ctx.style.warn("warn"),
                    Status::Fail => ctx.style.fail("FAIL"),
                    Status::Skip => "skip".to_string(),
                };
                println!("  {word}  {:<11} {}", c.name, c.detail);
                if let Some(fix) = &c.fix {
                    println!("        {:<11} fix: {fix}", "");
                }
            }
        }
    }
    match code {
        0 => Ok(()),
        _ => Err(CmdError {
            code: exit_from(code),
            message: String::new(),
            fix: None,
        }),
    }
}

fn exit_from(code: i32) -> ExitCode {
    match code {
        2 => ExitCode::Usage,
        3 => ExitCode::SecretStore,
        4 => ExitCode::Rejected,
        5 => ExitCode::Network,
        _ => ExitCode::Internal,
    }
}
