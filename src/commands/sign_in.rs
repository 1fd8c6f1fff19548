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
    BrowserOutcome, DeviceEvent, SIGN_IN_TIMEOUT, SignInError, SignInEvent, SignInPlan, SignedIn,
    device_sign_in, sign_in,
};
use crate::token::{Context, GrantType, TokenRequest};
use crate::token_cache;

/// How one sign-in is run.
pub struct SignInOptions<'a> {
    pub grant_type: GrantType,
    pub no_browser: bool,
    /// False when stdin already gave the secret (no pasted answer can come from it).
    pub stdin_free: bool,
    pub dctx: &'a Context,
}

/// Sign in with `request`'s client at the endpoints of `grant`, in the browser or with a
/// device code.
pub async fn run(
    ctx: &Ctx,
    request: TokenRequest,
    grant: &UserGrant,
    opts: &SignInOptions<'_>,
) -> Result<SignedIn, CmdError> {
    match opts.grant_type {
        GrantType::DeviceCode => device(ctx, request, grant, opts.dctx).await,
        _ => browser(ctx, request, grant, opts).await,
    }
}

async fn browser(
    ctx: &Ctx,
    request: TokenRequest,
    grant: &UserGrant,
    opts: &SignInOptions<'_>,
) -> Result<SignedIn, CmdError> {
    let (no_browser, stdin_free, dctx) = (opts.no_browser, opts.stdin_free, opts.dctx);
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

async fn device(
    ctx: &Ctx,
    request: TokenRequest,
    grant: &UserGrant,
    dctx: &Context,
) -> Result<SignedIn, CmdError> {
    let Some(url) = grant.device_authorization_url.as_deref() else {
        return Err(
            CmdError::usage("the profile has no device authorization endpoint")
                .with_fix("set it up again with --issuer, whose metadata names it"),
        );
    };
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let show = |event: DeviceEvent| show_device(ctx, &event);
    device_sign_in(&ctx.client()?, request, url, show, cancel)
        .await
        .map_err(|e| error(e, dctx))
}

fn show_device(ctx: &Ctx, event: &DeviceEvent) {
    match event {
        DeviceEvent::Show {
            user_code,
            verification_uri,
            complete,
            expires_in,
        } => {
            eprintln!(
                "sign in on any device: open {verification_uri} and enter the code
"
            );
            eprintln!(
                "    {}
",
                ctx.style.ok(user_code)
            );
            if let Some(qr) = complete.as_deref().and_then(qr_code) {
                eprintln!(
                    "or scan this code, which opens {}:
{qr}",
                    complete.as_deref().unwrap_or_default()
                );
            }
            eprintln!(
                "only enter the code if you started this sign-in yourself; waiting (the code expires in {} min; Ctrl+C cancels)",
                expires_in.as_secs().div_ceil(60)
            );
        }
        DeviceEvent::SlowDown { interval } => eprintln!(
            "the server asked to poll more slowly: every {} s now",
            interval.as_secs()
        ),
    }
}

/// A QR code in block characters, light on dark so it scans on a dark terminal too.
fn qr_code(text: &str) -> Option<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
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
        SignInError::DeviceStart(f) => device_start_error(&f, dctx),
        SignInError::ClockDrift => CmdError::new(code, e.to_string()).with_fix(
            "correct the clock (in WSL: wsl --shutdown; in a VM: enable time sync), then sign in again",
        ),
        SignInError::CodeExpired => CmdError::new(code, e.to_string())
            .with_fix("sign in again and enter the new code before it expires"),
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

/// A refused device authorization: `unauthorized_client` means the client was not created for
/// the device grant (RFC 8628 §3.1).
fn device_start_error(f: &crate::token::Failure, dctx: &Context) -> CmdError {
    let err = CmdError::new(
        f.exit_code(),
        format!("asking for a device code failed: {}", f.summary(dctx)),
    );
    match f {
        crate::token::Failure::OAuth {
            error: crate::token::OAuthError::UnauthorizedClient,
            ..
        } => err.with_fix(format!(
            "the client is not a Device code client: create one whose Grant type is Device code{}",
            dctx.clients_page
                .as_deref()
                .map(|p| format!(" on {p}"))
                .unwrap_or_default()
        )),
        _ => err.with_fix(f.fix(dctx)),
    }
}
