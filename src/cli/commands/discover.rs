//! `discover`: a server's OAuth metadata, checked (issuer, https), as text or JSON.

use serde_json::json;

use super::{CmdError, Ctx};
use crate::base::exit::ExitCode;
use crate::cli::args::DiscoverArgs;
use crate::protocol::discovery::{DiscoveryError, Metadata, discover};
use crate::protocol::token::{Context, GrantType};

pub async fn run(ctx: &Ctx, args: &DiscoverArgs) -> Result<(), CmdError> {
    let (url, meta) = discover(&ctx.client()?, &args.issuer)
        .await
        .map_err(|e| error(&e))?;
    if args.json {
        let doc = json!({
            "schema_version": 1,
            "metadata_url": url,
            "issuer": meta.issuer,
            "token_endpoint": meta.token_endpoint,
            "authorization_endpoint": meta.authorization_endpoint,
            "device_authorization_endpoint": meta.device_authorization_endpoint,
            "revocation_endpoint": meta.revocation_endpoint,
            "grant_types": meta.grants().iter().map(|g| g.as_str()).collect::<Vec<_>>(),
            "client_auth": meta.client_auths().iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            "scopes_supported": meta.scopes_supported,
            "pkce_s256": meta.supports_s256(),
        });
        crate::base::out::json(&doc);
        return Ok(());
    }
    print_text(&url, &meta);
    if meta.grants().contains(&GrantType::AuthorizationCode) && !meta.supports_s256() {
        crate::tell!(
            "{} the server offers authorization code but does not advertise PKCE S256",
            ctx.style.warn("warning:")
        );
    }
    Ok(())
}

fn print_text(url: &str, meta: &Metadata) {
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let words = |v: Vec<&str>| {
        if v.is_empty() {
            "-".into()
        } else {
            v.join(" ")
        }
    };
    crate::say!("issuer:               {}", meta.issuer);
    crate::say!("metadata:             {url}");
    crate::say!("token endpoint:       {}", or_none(&meta.token_endpoint));
    crate::say!(
        "authorization:        {}",
        or_none(&meta.authorization_endpoint)
    );
    crate::say!(
        "device authorization: {}",
        or_none(&meta.device_authorization_endpoint)
    );
    crate::say!(
        "revocation:           {}",
        or_none(&meta.revocation_endpoint)
    );
    crate::say!(
        "grants:               {}",
        words(meta.grants().iter().map(|g| g.as_str()).collect())
    );
    crate::say!(
        "client auth:          {}",
        words(meta.client_auths().iter().map(|a| a.as_str()).collect())
    );
    let scopes = meta
        .scopes_supported
        .as_ref()
        .map_or("not listed".to_string(), |s| s.join(" "));
    crate::say!("scopes:               {scopes}");
    crate::say!(
        "PKCE S256:            {}",
        if meta.supports_s256() { "yes" } else { "no" }
    );
}

/// A discovery failure as a command's error: bad input is a usage error, the rest is the
/// server's (or the network's).
pub fn error(e: &DiscoveryError) -> CmdError {
    match e {
        DiscoveryError::BadIssuer(_) | DiscoveryError::NotHttps(_) => {
            CmdError::usage(e.to_string())
        }
        DiscoveryError::Transport { url, failure } => {
            let ctx = Context {
                provider_name: "The server".into(),
                token_url: url.clone(),
                ..Context::default()
            };
            CmdError::new(failure.exit_code(), format!("{e}: {}", failure.summary(&ctx)))
                .with_fix(failure.fix(&ctx))
        }
        DiscoveryError::NotFound { .. } => CmdError::new(ExitCode::Network, e.to_string())
            .with_fix("check the issuer URL; the server may not publish metadata, then give the token URL with --instance"),
        _ => CmdError::new(ExitCode::Network, e.to_string()),
    }
}
