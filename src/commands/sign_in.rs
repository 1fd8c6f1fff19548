//! The command line's side of a sign-in: what the user sees on stderr, the pasted answer read
//! from the terminal, Ctrl+C, and turning the result into what is saved.

use std::io::IsTerminal;
use std::time::SystemTime;

use tokio::sync::mpsc;

use super::{CmdError, Ctx};
use crate::account::Session;
use crate::authorize::{SkipReason, parse_redirect_uri};
use crate::profile::UserGrant;
use crate::refresh_entry::RefreshEntry;
use crate::sign_in::{
    BrowserOutcome, SIGN_IN_TIMEOUT, SignInError, SignInEvent, SignInPlan, SignedIn, sign_in,
};
use crate::token::{Context, TokenRequest};
use crate::token_cache;

/// Sign in with `request`'s client at the endpoints of `grant`. `stdin_free` is false when
/// stdin already gave the secret.
pub async fn run(
    ctx: &Ctx,
    request: TokenRequest,
    grant: &UserGrant,
    no_browser: bool,
    stdin_free: bool,
    dctx: &Context,
) -> Result<SignedIn, CmdError> {
    let Some(authorize_url) = grant.authorize_url.clone() else {
        return Err(CmdError::usage("the profile has no authorization endpoint")
            .with_fix("set it up again with --issuer, whose metadata names it"));
    };
    let paste = stdin_free && std::io::stdin().is_terminal();
    let plan = SignInPlan {
        authorize_url,
        request,
        redirect_uris: grant
            .redirect_uris
            .iter()
            .filter_map(|u| parse_redirect_uri(u).ok())
            .collect(),
        issuer: grant.issuer.clone(),
        no_browser,
        paste,
        timeout: SIGN_IN_TIMEOUT,
    };
    let (tx, rx) = mpsc::unbounded_channel();
    if paste {
        read_pastes(tx);
    }
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let show = |event: SignInEvent| show_event(ctx, &event, paste);
    sign_in(&ctx.client()?, plan, show, rx, cancel)
        .await
        .map_err(|e| error(e, dctx))
}

/// Lines typed or pasted into the terminal, from a thread (stdin blocks).
fn read_pastes(tx: mpsc::UnboundedSender<String>) {
    std::thread::spawn(move || {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            if !line.trim().is_empty() && tx.send(std::mem::take(&mut line)).is_err() {
                return;
            }
            line.clear();
        }
    });
}

fn show_event(ctx: &Ctx, event: &SignInEvent, paste: bool) {
    match event {
        SignInEvent::Waiting {
            url,
            redirect_uri,
            browser,
            listener_failed,
        } => {
            if let Some(e) = listener_failed {
                eprintln!("{} {e}", ctx.style.warn("warning:"));
            }
            let opened = match browser {
                BrowserOutcome::Opened => "a browser was opened; if it did not show the page, open",
                BrowserOutcome::Skipped(SkipReason::Asked) => "open",
                BrowserOutcome::Skipped(SkipReason::Remote) => {
                    "this is an SSH session, so no browser was opened here; on your own machine open"
                }
                BrowserOutcome::Skipped(SkipReason::NoDisplay) => {
                    "no display, so no browser was opened; in a browser open"
                }
                BrowserOutcome::Failed(_) => "no browser could be opened; open",
            };
            eprintln!("sign in: {opened} this URL, sign in and allow access:\n\n  {url}\n");
            eprintln!("waiting for the answer on {redirect_uri} (5 min; Ctrl+C cancels)");
            if paste {
                eprintln!(
                    "or paste here the address the browser ends on (even if its page cannot be reached) and press Enter"
                );
            }
        }
        SignInEvent::PasteRefused(e) => {
            eprintln!(
                "{} {e}; paste the whole address the browser ended on",
                ctx.style.warn("not used:")
            );
        }
        SignInEvent::Exchanging => eprintln!("answer received; exchanging the code ..."),
    }
}

pub fn error(e: SignInError, dctx: &Context) -> CmdError {
    let code = e.exit_code();
    match e {
        SignInError::Exchange(f) => CmdError::new(code, f.summary(dctx)).with_fix(f.fix(dctx)),
        SignInError::Bind(b) => {
            let fix = b.fix();
            CmdError::new(code, b.to_string()).with_fix(fix)
        }
        SignInError::TimedOut(_) => CmdError::new(code, e.to_string()).with_fix(
            "run it again; over SSH use --no-browser and paste the address, or forward the port: ssh -L 8765:127.0.0.1:8765 HOST",
        ),
        other => CmdError::new(code, other.to_string()),
    }
}

/// What to keep of a sign-in: the refresh token, and the access token for the cache.
pub fn session(signed: &mut SignedIn, scopes: &[String]) -> Session {
    let refresh = signed.granted.refresh_token.take().map(|rt| {
        RefreshEntry::signed_in(rt, SystemTime::now(), signed.granted.refresh_expires_in)
    });
    let cache = token_cache::entry(&signed.granted, signed.sent_at, scopes).map(|(_, e)| e);
    Session { refresh, cache }
}

/// One line on what the sign-in gave (never a token).
pub fn summary(signed: &SignedIn, session: &Session, refresh_scope: Option<&str>) -> String {
    let access = match signed.granted.expires_in {
        Some(s) => format!(
            "an access token valid for {}",
            humantime::format_duration(std::time::Duration::from_secs(s))
        ),
        None => "an access token".to_string(),
    };
    match (&session.refresh, refresh_scope) {
        (Some(_), _) => format!("{access} and a refresh token"),
        (None, Some(scope)) => format!(
            "{access}, but no refresh token: add the scope {scope} to get one, or sign in again when it expires"
        ),
        (None, None) => format!(
            "{access}, but no refresh token: sign in again (oauth-setup login) when it expires"
        ),
    }
}
