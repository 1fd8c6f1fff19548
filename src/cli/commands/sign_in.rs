//! The command line's side of a sign-in: what the user sees on stderr, the pasted answer read
//! from the terminal, Ctrl+C, and turning the result into what is saved.

use std::io::IsTerminal;

use tokio::sync::mpsc;

use super::{CmdError, Ctx};
use crate::flows::sign_in::{
    Attempt, BrowserOutcome, DeviceEvent, Progress, SignInError, SignInEvent, SignedIn, Way,
};
use crate::protocol::authorize::SkipReason;
use crate::protocol::token::{ClientSide, Context, GrantType, TokenClient};
use crate::session::Session;
use crate::stores::profile::UserGrant;

/// How one sign-in is run.
pub struct SignInOptions {
    pub grant_type: GrantType,
    pub no_browser: bool,
    /// False when stdin already gave the secret (no pasted answer can come from it).
    pub stdin_free: bool,
}

/// Sign in with `request`'s client at the endpoints of `grant`, in the browser or with a
/// device code, showing the progress on stderr. [`error`] puts a failure into words.
pub async fn run(
    ctx: &Ctx,
    client: &TokenClient,
    request: ClientSide,
    grant: &UserGrant,
    opts: &SignInOptions,
) -> Result<SignedIn, SignInError> {
    let browser = opts.grant_type != GrantType::DeviceCode;
    let paste = browser && opts.stdin_free && std::io::stdin().is_terminal();
    let (tx, rx) = mpsc::unbounded_channel();
    if paste {
        read_pastes(tx);
    }
    let attempt = Attempt {
        grant_type: opts.grant_type,
        grant,
        request,
        way: Way {
            no_browser: opts.no_browser,
            paste,
            in_app: false,
        },
    };
    let cancel = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let show = |progress: Progress| match progress {
        Progress::Browser(event) => show_event(ctx, &event, paste),
        Progress::Device(event) => show_device(ctx, &event),
    };
    crate::flows::sign_in::run(client, attempt, show, rx, cancel).await
}

fn show_device(ctx: &Ctx, event: &DeviceEvent) {
    match event {
        DeviceEvent::Show {
            user_code,
            verification_uri,
            complete,
            expires_in,
        } => {
            crate::tell!(
                "sign in on any device: open {verification_uri} and enter the code
"
            );
            crate::tell!(
                "    {}
",
                ctx.style.ok(user_code)
            );
            if let Some(qr) = complete.as_deref().and_then(crate::flows::sign_in::qr_code) {
                crate::tell!(
                    "or scan this code, which opens {}:
{qr}",
                    complete.as_deref().unwrap_or_default()
                );
            }
            crate::tell!(
                "only enter the code if you started this sign-in yourself; waiting (the code expires in {} min; Ctrl+C cancels)",
                expires_in.as_secs().div_ceil(60)
            );
        }
        DeviceEvent::SlowDown { interval } => crate::tell!(
            "the server asked to poll more slowly: every {} s now",
            interval.as_secs()
        ),
    }
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
                crate::tell!("{} {e}", ctx.style.warn("warning:"));
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
                BrowserOutcome::Skipped(SkipReason::TextBrowser) => "open",
                BrowserOutcome::Failed(_) => "no browser could be opened; open",
            };
            crate::tell!("sign in: {opened} this URL, sign in and allow access:\n\n  {url}\n");
            crate::tell!("waiting for the answer on {redirect_uri} (5 min; Ctrl+C cancels)");
            if paste {
                crate::tell!(
                    "or paste here the address the browser ends on (even if its page cannot be reached) and press Enter"
                );
            }
        }
        SignInEvent::PasteRefused(e) => {
            crate::tell!(
                "{} {e}; paste the whole address the browser ended on",
                ctx.style.warn("not used:")
            );
        }
        SignInEvent::Exchanging => crate::tell!("answer received; exchanging the code ..."),
    }
}

/// "ok: signed in: …", what a sign-in left, for `setup` and `login` alike.
pub fn say_signed_in(ctx: &Ctx, signed: &SignedIn, session: &Session, grant: &UserGrant) {
    let words = crate::report::signed_in(
        signed.granted.expires_in,
        session.refresh.is_some(),
        grant.refresh_scope.as_deref(),
        crate::protocol::token::Surface::CommandLine,
    );
    crate::say!("{} signed in: {words}", ctx.style.ok("ok:"));
}

pub fn error(e: SignInError, dctx: &Context) -> CmdError {
    let (what, fix) = match e {
        SignInError::NoEndpoint(_) => (
            e.to_string(),
            Some("set it up again with --issuer, whose metadata names it".to_string()),
        ),
        _ => e.explain(dctx),
    };
    let err = CmdError::new(e.exit_code(), what);
    match fix {
        Some(f) => err.with_fix(f),
        None => err,
    }
}
