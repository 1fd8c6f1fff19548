//! `setup --non-interactive`: check every field, prove the credentials, save.

pub(super) mod check;
mod edit_save;
mod user;

pub(super) use edit_save::save_edit;

use super::{CmdError, Ctx};
use crate::cli::args::SetupArgs;
use crate::protocol::discovery::Metadata;
use crate::protocol::token::test_credentials;
use crate::report::{test_failure_lines, test_ok_lines};
use crate::rules::secret::ClientSecret;
use crate::session::Session;
use crate::stores::account::NewProfile;
use crate::stores::profile::Verdict;
use crate::stores::secret_store::SecretLocation;

pub async fn run(ctx: &Ctx, mut args: SetupArgs) -> Result<(), CmdError> {
    let existing = ctx.accounts.load()?;
    let discovered = match args.issuer.clone() {
        Some(issuer) => Some((issuer.clone(), from_issuer(ctx, &mut args, &issuer).await?)),
        None => None,
    };
    let checked = check::check_fields(&args, &existing, None)?;
    crate::base::fault::panic_point("setup", "secret-read");
    for w in &checked.warnings {
        crate::tell!("{} {w}", ctx.style.warn("warning:"));
    }
    let new = checked.new;
    if let Some((issuer, meta)) = &discovered {
        warn_unlisted_scopes(ctx, issuer, meta, &new.account.scopes);
    }
    let account = &new.account;
    crate::say!(
        "profile {}: {} ({})",
        new.name,
        account.instance.url,
        account.instance.describe()
    );
    finish(
        ctx,
        new,
        checked.secret,
        &args,
        discovered.as_ref(),
        &Target::New,
    )
    .await
}

/// What a checked profile is saved as: a new profile, or an edit of one.
pub enum Target {
    New,
    Edit(Box<EditOf>),
}

/// An edit of a saved profile: the profile as it was, and whether a new secret was given.
pub struct EditOf {
    pub before: crate::stores::profile::Profile,
    pub given_secret: bool,
}

/// Test the checked profile live (a token request, or a sign-in for a user grant) and save it.
pub(super) async fn finish(
    ctx: &Ctx,
    mut new: NewProfile,
    secret: Option<ClientSecret>,
    args: &SetupArgs,
    discovered: Option<&(String, Metadata)>,
    target: &Target,
) -> Result<(), CmdError> {
    if new.account.user_grant.is_some() {
        return user::run(ctx, new, secret, args, discovered, target).await;
    }
    let Some(secret) = secret else {
        return Err(CmdError::usage(
            "a public client has no secret, so client credentials cannot work",
        ));
    };
    crate::say!(
        "testing the credentials against {} ...",
        new.account.instance.token_url
    );
    // An edit that adds a scope is refused when the server does not grant it.
    let before = match target {
        Target::Edit(edit) => Some(edit.before.scopes.as_slice()),
        Target::New => None,
    };
    if let Some(err) = prove(ctx, &mut new, &secret, before).await? {
        refuse_or_note(ctx, err, args.save_unverified)?;
    }
    let name = new.name.clone();
    save(
        ctx,
        &new,
        Some(&secret),
        None,
        &[
            format!("oauth-setup verify {name}"),
            format!("oauth-setup token {name}"),
        ],
        target,
    )
}

/// Scopes the server's metadata does not list: a typo, or a scope it does not publish.
fn warn_unlisted_scopes(ctx: &Ctx, issuer: &str, meta: &Metadata, scopes: &[String]) {
    let Some(listed) = &meta.scopes_supported else {
        return;
    };
    let unlisted: Vec<&str> = scopes
        .iter()
        .filter(|s| !listed.contains(s))
        .map(String::as_str)
        .collect();
    if !unlisted.is_empty() {
        crate::tell!(
            "{} {issuer} does not list the scope{} {} (it lists {}); check the spelling",
            ctx.style.warn("warning:"),
            if unlisted.len() == 1 { "" } else { "s" },
            unlisted.join(" "),
            listed.join(" ")
        );
    }
}

/// A failed test stops the setup, unless `--save-unverified` says to save anyway.
fn refuse_or_note(ctx: &Ctx, err: CmdError, save_unverified: bool) -> Result<(), CmdError> {
    if !save_unverified {
        return Err(CmdError {
            message: format!("{}; nothing was saved", err.message),
            ..err
        });
    }
    crate::tell!("{} {}", ctx.style.fail("token test failed:"), err.message);
    if let Some(fix) = &err.fix {
        crate::tell!("  fix: {fix}");
    }
    crate::tell!("saving anyway (--save-unverified)");
    Ok(())
}

/// `--issuer`: the token URL (and, unless given, the client authentication) from the server's
/// metadata, for a provider whose token URL is given in full. The metadata is kept for the other
/// endpoints of a user grant.
pub(super) async fn from_issuer(
    ctx: &Ctx,
    args: &mut SetupArgs,
    issuer: &str,
) -> Result<Metadata, CmdError> {
    let id = args.provider.as_deref().unwrap_or_default();
    if crate::rules::provider::Provider::get(id).is_some_and(|p| p.token_path.is_some()) {
        return Err(CmdError::usage(format!(
            "--issuer is for servers given by their token URL; {id} knows its token path"
        ))
        .with_fix("drop --issuer and give --instance"));
    }
    let (url, meta) = crate::protocol::discovery::discover(&ctx.client()?, issuer)
        .await
        .map_err(|e| super::discover::error(&e))?;
    let Some(token_url) = meta.token_endpoint.clone() else {
        return Err(CmdError::new(
            crate::base::exit::ExitCode::Network,
            format!("{url} lists no token_endpoint"),
        ));
    };
    crate::say!("discovered {issuer}: token endpoint {token_url}");
    args.instance = Some(token_url);
    if args.client_auth.is_none()
        && !args.public_client
        && let Some(auth) = meta.client_auths().first()
    {
        args.client_auth = Some(auth.as_str().to_string());
    }
    Ok(meta)
}

/// Run the live test and record its verdict in `new`; a failure comes back as the error to show.
async fn prove(
    ctx: &Ctx,
    new: &mut NewProfile,
    secret: &ClientSecret,
    edited_from: Option<&[String]>,
) -> Result<Option<CmdError>, CmdError> {
    let req = new.account.client_side(Some(secret.clone()));
    match test_credentials(&ctx.client()?, &req).await {
        Ok(ok) => {
            if ok.not_granted.is_empty() {
                crate::say!("{} the token request succeeded", ctx.style.ok("ok:"));
            } else {
                crate::say!(
                    "{} the token request succeeded, but not every scope was granted",
                    ctx.style.warn("warning:")
                );
            }
            for line in test_ok_lines(&ok, &req.scopes) {
                crate::say!("  {line}");
            }
            if ok.auth != req.auth {
                crate::say!(
                    "  note: the server accepted {} (not {}); the profile will use it",
                    ok.auth,
                    req.auth
                );
                new.account.client_auth = ok.auth;
            }
            let refused = edited_from.map_or_else(Vec::new, |before| {
                crate::flows::manage::refused_additions(before, &req.scopes, &ok.not_granted)
            });
            if let Some((summary, err)) = refused_scopes(&refused) {
                new.verdict = Verdict::Failed(summary);
                return Ok(Some(err));
            }
            new.verdict = Verdict::Passed;
            Ok(None)
        }
        Err(f) => {
            if f.auth != req.auth {
                crate::say!(
                    "  note: the server accepted {} (not {}); the profile will use it",
                    f.auth,
                    req.auth
                );
                new.account.client_auth = f.auth;
            }
            let dctx = new.account.diagnosis_context();
            let (summary, fix) = test_failure_lines(&f, &dctx);
            new.verdict = Verdict::of_test(&f, &dctx);
            Ok(Some(
                CmdError::new(f.failure.exit_code(), summary).with_fix(fix),
            ))
        }
    }
}

/// Scopes an edit adds that the server left out: the summary to record and the error.
fn refused_scopes(refused: &[String]) -> Option<(String, CmdError)> {
    if refused.is_empty() {
        return None;
    }
    let summary = format!(
        "the server did not grant {} {}",
        if refused.len() == 1 {
            "the scope"
        } else {
            "the scopes"
        },
        refused.join(" ")
    );
    let err = CmdError::new(crate::base::exit::ExitCode::Rejected, summary.clone()).with_fix(
        "grant the scope to the client on the server (its client form's scopes), then edit again",
    );
    Some((summary, err))
}

fn save(
    ctx: &Ctx,
    new: &NewProfile,
    secret: Option<&ClientSecret>,
    session: Option<&Session>,
    next: &[String],
    target: &Target,
) -> Result<(), CmdError> {
    if let Target::Edit(edit) = target {
        return save_edit(ctx, new, secret, session, next, edit);
    }
    let saved = ctx
        .accounts
        .create_with(new, secret, session)
        .map_err(|e| ctx.account_error(e, &new.name))?;
    if new.secret == SecretLocation::File {
        crate::tell!(
            "{} the secret and tokens are stored UNENCRYPTED in {} (readable only by you). Prefer the OS keyring where one is available.",
            ctx.style.warn("note:"),
            ctx.accounts.dir().secrets_path().display()
        );
    }
    crate::say!(
        "{} profile {} in {}",
        ctx.style.ok("saved:"),
        saved.name,
        saved.profiles_path
    );
    if secret.is_some() {
        crate::say!("  secret: {}", saved.secret_location);
    }
    crate::say!("next:");
    for line in next {
        crate::say!("  {line}");
    }
    Ok(())
}
