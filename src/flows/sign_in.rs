//! Signing a user in, for both front ends: the flow the profile's grant uses (a browser or a
//! device code), its endpoint checked in one place, progress as typed [`Progress`] events, and
//! what to keep of the tokens. No terminal I/O: the caller shows the events and feeds pasted
//! text; keeping the session is `Accounts::keep_sign_in`.

mod browser;
mod device;
mod device_poll;

pub use browser::{BrowserOutcome, SignInEvent, SignInPlan, browser_sign_in};
pub use device::{DeviceEvent, device_sign_in};
pub use device_poll::{DeviceStart, Next, Poller, parse_start};

use std::future::Future;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;

use crate::base::exit::ExitCode;
use crate::protocol::authorize::{BindError, CallbackError};
use crate::protocol::token::{
    ClientSide, Context, Failure, GrantType, Granted, OAuthError, TokenClient,
};
use crate::session::response::{self, RefreshFrom, Session};
use crate::stores::profile::{SignInEndpoint, UserGrant};

/// The user has this long to sign in (the listener then closes).
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// What the front end can offer: whether to open a browser, whether the user can paste the
/// answer, and whether the app owns the terminal (a text browser must not take it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Way {
    pub no_browser: bool,
    pub paste: bool,
    pub in_app: bool,
}

/// What the running sign-in reports, whichever flow it is.
#[derive(Debug)]
pub enum Progress {
    Browser(SignInEvent),
    Device(DeviceEvent),
}

/// One sign-in to run: `request`'s client at `grant`'s endpoints, in the flow of `grant_type`.
pub struct Attempt<'a> {
    pub grant_type: GrantType,
    pub grant: &'a UserGrant,
    /// The token request without its grant (client, secret, scopes, authentication).
    pub request: ClientSide,
    pub way: Way,
}

/// Run `attempt`: the one place that picks the flow and checks its endpoint. `pasted` carries
/// what the user pastes (browser flow), `cancel` resolves on Esc or Ctrl+C.
pub async fn run(
    client: &TokenClient,
    attempt: Attempt<'_>,
    mut on: impl FnMut(Progress),
    pasted: mpsc::UnboundedReceiver<String>,
    cancel: impl Future<Output = ()>,
) -> Result<SignedIn, SignInError> {
    let Attempt {
        grant_type,
        grant,
        request,
        way,
    } = attempt;
    if grant_type == GrantType::DeviceCode {
        let url = grant.endpoint(grant_type)?;
        let on = |e| on(Progress::Device(e));
        return device_sign_in(client, request, url, on, cancel).await;
    }
    let plan = SignInPlan::for_grant(grant, request, way)?;
    browser_sign_in(client, plan, |e| on(Progress::Browser(e)), pasted, cancel).await
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the system has no randomness for the sign-in's one-time values")]
    NoRandomness,
    #[error("the authorization URL {0} is not a URL")]
    BadAuthorizeUrl(String),
    #[error("the profile names no {0} endpoint")]
    NoEndpoint(#[from] SignInEndpoint),
    #[error(transparent)]
    Bind(BindError),
    #[error("{0}")]
    Answer(CallbackError),
    #[error("nobody signed in within {} min", .0.as_secs() / 60)]
    TimedOut(Duration),
    #[error("sign-in cancelled")]
    Cancelled,
    #[error("the code exchange failed")]
    Exchange(Failure),
    #[error("the device authorization request failed")]
    DeviceStart(Failure),
    /// The client secret could not be read (from the environment or its store).
    #[error("the client secret could not be read: {0}")]
    NoSecret(crate::stores::account::RunSecretError),
    /// The profile names an endpoint that fails the endpoint rule (a hand-edited file).
    #[error(transparent)]
    BadEndpoint(crate::rules::fields::FieldError),
    #[error("the code expired before anyone signed in with it")]
    CodeExpired,
    #[error(
        "the server asked twice to poll more slowly: this machine's clock probably runs fast (common in virtual machines and WSL)"
    )]
    ClockDrift,
}

impl SignInError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Answer(_) => ExitCode::Rejected,
            Self::Exchange(f) | Self::DeviceStart(f) => f.exit_code(),
            Self::NoSecret(crate::stores::account::RunSecretError::Environment(_)) => {
                ExitCode::Usage
            }
            Self::NoSecret(crate::stores::account::RunSecretError::Store(_)) => {
                ExitCode::SecretStore
            }
            Self::CodeExpired => ExitCode::Rejected,
            Self::Cancelled => ExitCode::Cancelled,
            Self::NoEndpoint(_) | Self::BadEndpoint(_) => ExitCode::Usage,
            Self::Bind(_)
            | Self::TimedOut(_)
            | Self::NoRandomness
            | Self::BadAuthorizeUrl(_)
            | Self::ClockDrift => ExitCode::Network,
        }
    }
}

impl SignInError {
    /// What happened and what to do, in words, for the terminal or the app.
    pub fn explain(&self, dctx: &Context) -> (String, Option<String>) {
        let fix = |f: &str| Some(f.to_string());
        match self {
            Self::Exchange(
                f @ Failure::OAuth {
                    error: OAuthError::InvalidGrant,
                    ..
                },
            ) => (
                format!("the code was refused: {}", f.summary(dctx)),
                fix(
                    "sign in again: the code was wrong, expired or already used, or the redirect URI is not the one registered with the client",
                ),
            ),
            Self::Exchange(f) => (f.summary(dctx), Some(f.fix(dctx))),
            Self::DeviceStart(f) => {
                let what = format!("asking for a device code failed: {}", f.summary(dctx));
                let page = dctx.clients_page.as_deref().map(|p| format!(" on {p}"));
                let fix = match f {
                    Failure::OAuth {
                        error: OAuthError::UnauthorizedClient,
                        ..
                    } => format!(
                        "the client is not a Device code client: create one whose Grant type is Device code{}",
                        page.unwrap_or_default()
                    ),
                    _ => f.fix(dctx),
                };
                (what, Some(fix))
            }
            Self::ClockDrift => (
                self.to_string(),
                fix(
                    "correct the clock (in WSL: wsl --shutdown; in a VM: enable time sync), then sign in again",
                ),
            ),
            Self::CodeExpired => (
                self.to_string(),
                fix("sign in again and enter the new code before it expires"),
            ),
            Self::Bind(b) => (b.to_string(), Some(b.fix())),
            Self::NoEndpoint(_) => (
                self.to_string(),
                fix(
                    "set the profile up again with its server's issuer: the metadata names the endpoint",
                ),
            ),
            Self::TimedOut(_) => (
                self.to_string(),
                fix(
                    "sign in again; over SSH use --no-browser and paste the address, or forward the port: ssh -L 8765:127.0.0.1:8765 HOST",
                ),
            ),
            other => (other.to_string(), None),
        }
    }
}

/// The tokens a sign-in gave, and when the code exchange was sent (lifetimes count from then).
#[derive(Debug)]
pub struct SignedIn {
    pub granted: Granted,
    pub sent_at: SystemTime,
}

/// What to keep of a sign-in: the refresh token, and the access token for the cache.
pub fn session(signed: &mut SignedIn, scopes: &[String]) -> Session {
    let sent_at = signed.sent_at;
    response::split(
        &mut signed.granted,
        sent_at,
        scopes,
        RefreshFrom::SignIn,
        true,
    )
    .1
}

/// A QR code in block characters, light on dark so it scans on a dark terminal too.
pub fn qr_code(text: &str) -> Option<String> {
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
