//! `api`: the request built from the options and the preset's API facts, the use case
//! (`flows/api.rs`) run, and its events written (`api/output.rs`).

mod jq;
mod output;

use super::{CmdError, Ctx, one_profile};
use crate::base::exit::ExitCode;
use crate::cli::args::ApiArgs;
use crate::flows::api::{ApiError, ApiRequest, Done};
use crate::protocol::api::{Call, Field, body_and_query, graphql_body, resolve};
use crate::rules::provider::{ApiFacts, Provider};
use crate::session::get::Want;
use crate::stores::profile::Profile;

pub async fn run(ctx: &Ctx, args: ApiArgs) -> Result<(), CmdError> {
    let (name, profile) = one_profile(ctx, Some(&args.profile))?;
    let facts = Provider::get(&profile.provider)
        .map(|p| p.api.clone())
        .unwrap_or_default();
    let jq = args
        .jq
        .as_deref()
        .map(jq::Jq::compile)
        .transpose()
        .map_err(|e| {
            CmdError::usage(format!("--jq: {e}"))
                .with_fix("check the expression with jq, e.g. --jq '.[] | .id'")
        })?;
    let req = request(&args, &profile, &facts)?;
    let mut out = output::Output::new(&args, jq);
    let result = crate::flows::api::run(
        &ctx.accounts,
        &ctx.http,
        (&name, &profile),
        &facts,
        req,
        &mut |e| out.event(ctx, &name, e),
    )
    .await;
    let filter_failed = out.finish();
    let done = result.map_err(|e| error(e, ctx, &name, &profile))?;
    if let Some(e) = filter_failed {
        return Err(CmdError::usage(format!("--jq: {e}")));
    }
    outcome(&done, out.reason())
}

fn outcome(done: &Done, reason: &str) -> Result<(), CmdError> {
    if !(200..300).contains(&done.status) {
        return Err(CmdError::new(
            ExitCode::Api,
            format!("the API answered HTTP {} {reason}", done.status),
        )
        .with_fix(match done.status {
            401 | 403 => "check the client's scopes (oauth-setup verify PROFILE names them) and the user's rights",
            404 => "check the PATH (relative to the API base, or /api/... from the instance's root)",
            _ => "see the answer above",
        }));
    }
    if done.graphql_errors {
        return Err(CmdError::new(
            ExitCode::Api,
            "the GraphQL answer carries errors (printed above)",
        )
        .with_fix("check the query and the fields it names"));
    }
    Ok(())
}

/// The request the options describe.
fn request(args: &ApiArgs, profile: &Profile, facts: &ApiFacts) -> Result<ApiRequest, CmdError> {
    let mut url = resolve(&profile.instance_url, &facts.base_path, &args.path).map_err(|e| {
        CmdError::usage(format!("PATH: {e}")).with_fix(
            "give a path below the API base (invoices), from the instance's root (/api/invoices), or a URL on the instance's host",
        )
    })?;
    let graphql = facts.graphql_path.as_deref().is_some_and(|g| {
        url.path()
            == format!(
                "{}/{}",
                facts.base_path.trim_end_matches('/'),
                g.trim_start_matches('/')
            )
    });
    let fields = fields(args)?;
    let given_body = !fields.is_empty() || args.input.is_some();
    let method = match &args.method {
        Some(m) => m.to_ascii_uppercase(),
        None if given_body || graphql => "POST".into(),
        None => "GET".into(),
    };
    if args.paginate && method != "GET" {
        return Err(CmdError::usage("--paginate follows the pages of a GET")
            .with_fix("leave out -X, or --paginate"));
    }
    let body = if graphql {
        Some(graphql_body(&fields))
    } else if let Some(path) = &args.input {
        Some(read_input(path)?)
    } else {
        let (body, query) = body_and_query(&fields, method == "GET" || method == "HEAD");
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        body
    };
    let headers = headers(args, facts, body.is_some())?;
    Ok(ApiRequest {
        call: Call {
            method,
            url,
            headers,
            body,
        },
        paginate: args.paginate,
        graphql,
        max_wait: args.max_wait,
        want: Want {
            caching: super::token::caching(false),
            min_valid: args.min_valid,
        },
    })
}

fn fields(args: &ApiArgs) -> Result<Vec<Field>, CmdError> {
    let bad = |flag: &str, text: &str| {
        CmdError::usage(format!(
            "{flag} {}: not KEY=VALUE",
            crate::rules::sanitize::one_line(text, 64)
        ))
        .with_fix(format!("e.g. {flag} limit=10"))
    };
    let mut out = Vec::new();
    for text in &args.raw_fields {
        out.push(Field::parse(text, false).ok_or_else(|| bad("-f", text))?);
    }
    for text in &args.fields {
        let mut field = Field::parse(text, true).ok_or_else(|| bad("-F", text))?;
        if let crate::protocol::api::FieldValue::Typed(v) = &field.value
            && let Some(path) = v.strip_prefix('@')
        {
            let read = std::fs::read_to_string(path).map_err(|e| {
                CmdError::usage(format!("-F {}: cannot read {path} ({e})", field.key))
                    .with_fix("name a readable text file after @")
            })?;
            field.value = crate::protocol::api::FieldValue::Raw(read);
        }
        out.push(field);
    }
    Ok(out)
}

fn read_input(path: &std::path::Path) -> Result<Vec<u8>, CmdError> {
    let read = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    };
    read.map_err(|e| {
        CmdError::usage(format!("--input {}: cannot read it ({e})", path.display()))
            .with_fix("name a readable file, or - for stdin")
    })
}

/// The user's headers, checked, with `Accept` (the preset's) and `Content-Type` (JSON, for a
/// body) unless given. The token's header is this program's to send.
fn headers(
    args: &ApiArgs,
    facts: &ApiFacts,
    body: bool,
) -> Result<Vec<(String, String)>, CmdError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for text in &args.headers {
        let shown = crate::rules::sanitize::one_line(text, 64);
        let (name, value) = text
            .split_once(':')
            .map(|(n, v)| (n.trim(), v.trim()))
            .filter(|(n, _)| reqwest::header::HeaderName::from_bytes(n.as_bytes()).is_ok())
            .filter(|(_, v)| reqwest::header::HeaderValue::from_str(v).is_ok())
            .ok_or_else(|| {
                CmdError::usage(format!("-H {shown}: not a header"))
                    .with_fix("e.g. -H 'X-Request-Id: 42'")
            })?;
        if name.eq_ignore_ascii_case("authorization") {
            return Err(
                CmdError::usage("-H Authorization: the profile's token is sent in it")
                    .with_fix("leave out -H Authorization"),
            );
        }
        out.push((name.to_string(), value.to_string()));
    }
    let has =
        |out: &[(String, String)], n: &str| out.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    if !has(&out, "accept") {
        out.push(("Accept".into(), facts.accept.clone()));
    }
    if body && !has(&out, "content-type") {
        out.push(("Content-Type".into(), "application/json".into()));
    }
    Ok(out)
}

fn error(e: ApiError, ctx: &Ctx, name: &str, profile: &Profile) -> CmdError {
    let dctx = profile.diagnosis_context();
    match e {
        ApiError::Token(e) => super::token::get_error(e, ctx, name, profile),
        ApiError::Client(e) => e.into(),
        ApiError::Send(f) => CmdError::new(f.exit_code(), f.summary(&dctx)).with_fix(f.fix(&dctx)),
        ApiError::Target(e @ crate::protocol::api::TargetError::OtherHost { .. }) => {
            CmdError::new(ExitCode::Api, format!("the next page: {e}"))
                .with_fix("the list's next page is on another host; nothing was sent there")
        }
        ApiError::Target(e) => CmdError::new(ExitCode::Api, format!("the next page: {e}"))
            .with_fix("what came is printed; leave out --paginate to see the first page alone"),
        ApiError::RateLimited {
            status,
            asked,
            bound,
        } => {
            let wait = asked.map_or_else(
                || "names no time to wait".to_string(),
                |d| {
                    format!(
                        "asks to wait {}, more than --max-wait {} allows",
                        secs(d),
                        secs(bound)
                    )
                },
            );
            CmdError::new(
                ExitCode::Api,
                format!("rate limited (HTTP {status}): the server {wait}"),
            )
            .with_fix("try again later, or give a longer --max-wait")
        }
        ApiError::NotJson { page } => CmdError::new(
            ExitCode::Api,
            format!("page {page} of the list is not JSON"),
        )
        .with_fix("leave out --paginate to see the answer as it is"),
    }
}

fn secs(d: std::time::Duration) -> humantime::FormattedDuration {
    humantime::format_duration(std::time::Duration::from_secs(d.as_secs()))
}
