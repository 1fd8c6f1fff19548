//! `inspect`: a profile's token described, in words or as JSON (schema_version 1), never the
//! token itself.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::{CmdError, Ctx, one_profile};
use crate::cli::args::InspectArgs;
use crate::flows::inspect::{Inspection, Introspection, inspect};
use crate::session::get::Want;

pub const JSON_SCHEMA_VERSION: u32 = 1;

pub async fn run(ctx: &Ctx, args: &InspectArgs) -> Result<(), CmdError> {
    let (name, profile) = one_profile(ctx, args.profile.as_deref())?;
    let want = Want {
        caching: super::token::caching(false),
        min_valid: args.min_valid,
    };
    let (got, i) = inspect(&ctx.accounts, &ctx.http, &name, &profile, want)
        .await
        .map_err(|e| super::token::get_error(e, ctx, &name, &profile))?;
    for note in &got.notes {
        super::token::tell_note(ctx, &name, note);
    }
    let failed = match &i.introspection {
        Introspection::Failed(f) => f.summary(&profile.diagnosis_context()),
        _ => String::new(),
    };
    if args.json {
        crate::base::out::json(&document(&name, &i, &failed));
    } else {
        words(ctx, &name, &i, &failed);
    }
    Ok(())
}

fn stamp(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

fn left(t: SystemTime) -> Option<Duration> {
    t.duration_since(SystemTime::now()).ok()
}

fn document(name: &str, i: &Inspection, failed: &str) -> Value {
    let scopes = i.scopes();
    json!({
        "schema_version": JSON_SCHEMA_VERSION,
        "profile": name,
        "token_type": i.token_type,
        "cached": i.from_cache,
        "expires_at": i.expires_at.map(stamp),
        "expires_in": i.expires_at.map(|t| left(t).map_or(0, |d| d.as_secs())),
        "audience": i.audience,
        "scopes": {
            "asked": i.asked,
            "granted": i.granted,
            "missing": scopes.as_ref().map(|s| s.missing.clone()),
            "extra": scopes.as_ref().map(|s| s.extra.clone()),
        },
        "jwt": i.jwt.as_ref().map(|j| json!({"verified": false, "header": j.header, "claims": j.claims})),
        "introspection": match &i.introspection {
            Introspection::NotNeeded => json!({"status": "not_needed"}),
            Introspection::PublicClient => json!({"status": "public_client"}),
            Introspection::NotOffered => json!({"status": "not_offered"}),
            Introspection::Answer(v) => json!({"status": "answered", "answer": v}),
            Introspection::Failed(_) => json!({"status": "failed", "detail": failed}),
        },
    })
}

fn words(ctx: &Ctx, name: &str, i: &Inspection, failed: &str) {
    let from = if i.from_cache {
        "from the cache"
    } else {
        "new from the server"
    };
    let kind = if i.jwt.is_some() {
        "a JWT"
    } else {
        "an opaque token"
    };
    crate::say!(
        "profile {name}: {kind} ({} token type), {from}",
        i.token_type
    );
    match i.expires_at {
        Some(at) => crate::say!(
            "  expires     {} ({})",
            stamp(at),
            left(at).map_or_else(
                || "expired".to_string(),
                |d| format!(
                    "in {}",
                    humantime::format_duration(Duration::from_secs(d.as_secs()))
                )
            )
        ),
        None => crate::say!("  expires     not said by the server"),
    }
    if !i.audience.is_empty() {
        crate::say!("  audience    {}", i.audience.join(", "));
    }
    scope_words(ctx, i);
    if let Some(j) = &i.jwt {
        crate::say!(
            "  JWT header and claims, {}:",
            ctx.style.warn("not verified by oauth-setup")
        );
        crate::say!("    header    {}", j.header);
        let claims = serde_json::to_string_pretty(&j.claims).unwrap_or_default();
        for line in claims.lines() {
            crate::say!("    {line}");
        }
    }
    introspection_words(ctx, i, failed);
}

fn scope_words(ctx: &Ctx, i: &Inspection) {
    match i.scopes() {
        Some(d) => {
            crate::say!(
                "  scopes      asked {} granted",
                if d.missing.is_empty() && d.extra.is_empty() {
                    "="
                } else {
                    "vs"
                }
            );
            for s in &d.both {
                crate::say!("              = {s}");
            }
            for s in &d.missing {
                crate::say!(
                    "              {} {s}  (asked, not granted)",
                    ctx.style.fail("-")
                );
            }
            for s in &d.extra {
                crate::say!(
                    "              {} {s}  (granted, not asked)",
                    ctx.style.warn("+")
                );
            }
        }
        None => crate::say!(
            "  scopes      the server did not say which it granted (asked: {})",
            or_none(&i.asked)
        ),
    }
}

fn introspection_words(ctx: &Ctx, i: &Inspection, failed: &str) {
    match &i.introspection {
        Introspection::NotNeeded => {}
        Introspection::PublicClient => {
            crate::say!("  introspection: not asked (a public client has no credentials for it)")
        }
        Introspection::NotOffered => crate::say!(
            "  introspection: not offered (the server's metadata names no introspection endpoint for this token endpoint)"
        ),
        Introspection::Answer(v) => {
            let active = v.get("active").and_then(Value::as_bool) == Some(true);
            crate::say!(
                "  introspection: {} by the server",
                if active {
                    ctx.style.ok("active")
                } else {
                    ctx.style.fail("NOT active")
                }
            );
            let text = serde_json::to_string_pretty(v).unwrap_or_default();
            for line in text.lines() {
                crate::say!("    {line}");
            }
        }
        Introspection::Failed(_) => crate::say!("  introspection: failed ({failed})"),
    }
}

fn or_none(list: &[String]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        list.join(" ")
    }
}
