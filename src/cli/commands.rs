//! The commands: each reads the shared context, does its one job and returns an exit code.

mod api;
mod delete;
mod discover;
mod doctor;
mod edit;
mod exec;
mod export;
mod import;
mod inspect;
mod list;
mod login;
mod logout;
mod manage;
mod output;
mod rotate;
mod setup;
mod shell_docs;
mod show;
mod sign_in;
mod token;
mod verify;

use std::time::Duration;

use crate::base::exit::ExitCode;
use crate::cli::args::{Cli, Command};
use crate::protocol::token::{ClientError, HttpOptions, Surface, TokenClient};
use crate::rules::fields::FieldError;
use crate::stores::account::{AccountError, Accounts, RunSecretError};
use crate::stores::config_dir::ConfigDir;
use crate::stores::profile::{Profile, ProfileError, ProfilesFile};
use crate::stores::secret_store::{SecretStores, StoreError};
use crate::tui::{Deps, Entry, Prefill, Theme};

pub use output::Style;

/// Everything a command needs, built once from the global options.
pub struct Ctx {
    pub accounts: Accounts,
    pub http: HttpOptions,
    pub style: Style,
}

/// A command's failure: the exit code, what happened, and what to do.
#[derive(Debug)]
pub struct CmdError {
    pub code: ExitCode,
    pub message: String,
    pub fix: Option<String>,
    /// The exit code of a command `exec` ran, passed on as it is (nothing is said).
    pub child: Option<i32>,
}

impl CmdError {
    pub fn new(code: ExitCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fix: None,
            child: None,
        }
    }

    /// End with the exit code of the command `exec` ran, saying nothing.
    pub fn child_exit(code: i32) -> Self {
        Self {
            child: Some(code),
            ..Self::new(ExitCode::Ok, "")
        }
    }

    /// The process's exit code.
    pub fn exit_code(&self) -> i32 {
        self.child.unwrap_or(self.code.code())
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Usage, message)
    }

    /// Several bad fields at once, so the user fixes them all in one go.
    pub fn fields(errors: &[FieldError]) -> Self {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("  {} ({}): {}", e.field, e.field.flag(), e.message))
            .collect();
        Self::usage(format!(
            "{} field{} need{} fixing:\n{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "s" } else { "" },
            lines.join("\n")
        ))
    }

    pub fn store(e: &StoreError, dir: &ConfigDir, profile: &str) -> Self {
        Self::new(ExitCode::SecretStore, e.to_string()).with_fix(e.fix(
            dir,
            profile,
            Surface::CommandLine,
        ))
    }
}

impl From<ProfileError> for CmdError {
    fn from(e: ProfileError) -> Self {
        if let ProfileError::DiskFull { path } = &e {
            let folder = std::path::Path::new(path)
                .parent()
                .unwrap_or(std::path::Path::new("."));
            return Self::new(ExitCode::SecretStore, format!("profiles file: {e}"))
                .with_fix(crate::stores::secret_store::disk_full_fix(folder));
        }
        Self::usage(format!("profiles file: {e}"))
    }
}

impl From<ClientError> for CmdError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Build(_) => Self::new(ExitCode::Internal, e.to_string()),
            _ => Self::usage(e.to_string()),
        }
    }
}

pub fn run(cli: Cli) -> Result<(), CmdError> {
    crate::base::log::set_verbosity(cli.global.verbose);
    // Generated from the command line alone: they work without a config folder or a HOME, and
    // a broken user preset must not break the shell's completion.
    let command = match cli.command {
        Some(Command::Completions(a)) => return shell_docs::completions(&a),
        Some(Command::Man(a)) => return shell_docs::man(&a),
        other => other,
    };
    let g = cli.global;
    let ctx = Ctx::from_options(g.config_dir, g.timeout, g.ca_file, g.no_color)?;
    let colour = output::colour_allowed(g.no_color);
    // Verify reports loose permissions as one of its checks; everything else fixes them first.
    if !matches!(command, Some(Command::Verify(_))) {
        ctx.fix_permissions()?;
    }
    // A token from the cache needs no runtime: scripts call `token` per request.
    if let Some(Command::Token(a)) = &command
        && token::from_cache_now(&ctx, a)?
    {
        return Ok(());
    }
    if let Some(Command::Exec(a)) = &command
        && exec::from_cache_now(&ctx, a)?
    {
        return Ok(());
    }
    // One thread is plenty: the work is a few concurrent HTTP requests, and it starts fastest.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CmdError::new(ExitCode::Internal, format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        if let Some(entry) = interactive_entry(command.as_ref(), &ctx)? {
            return run_app(&ctx, entry, colour).await;
        }
        let Some(command) = command else {
            return Err(no_terminal());
        };
        match command {
            Command::Setup(a) => setup::run(&ctx, *a).await,
            Command::Edit(a) => edit::run(&ctx, *a).await,
            Command::Rename(a) => manage::rename(&ctx, &a),
            Command::Copy(a) => manage::copy(&ctx, &a),
            Command::Default(a) => manage::default(&ctx, &a),
            Command::Rotate(a) => rotate::run(&ctx, a).await,
            Command::Verify(a) => verify::run(&ctx, a).await,
            Command::Token(a) => token::run(&ctx, a).await,
            Command::Exec(a) => exec::run(&ctx, a).await,
            Command::Api(a) => api::run(&ctx, *a).await,
            Command::Inspect(a) => inspect::run(&ctx, &a).await,
            Command::List(a) => list::run(&ctx, &a),
            Command::Show(a) => show::run(&ctx, &a),
            Command::Delete(a) => delete::run(&ctx, &a),
            Command::Doctor(a) => doctor::run(&ctx, &a),
            Command::Discover(a) => discover::run(&ctx, &a).await,
            Command::Login(a) => login::run(&ctx, a).await,
            Command::Export(a) => export::run(&ctx, &a),
            Command::Import(a) => import::run(&ctx, &a).await,
            Command::Logout(a) => logout::run(&ctx, &a).await,
            // Answered above, before the config folder was read.
            Command::Completions(_) | Command::Man(_) => Ok(()),
        }
    })
}

/// Environment values the program reads are checked up front, so a typo is named rather than
/// silently ignored.
fn check_environment() -> Result<(), CmdError> {
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        let Some(value) = std::env::var_os(var) else {
            continue;
        };
        let text = value.to_string_lossy();
        let with_scheme = if text.contains("://") {
            text.to_string()
        } else {
            format!("http://{text}")
        };
        if !text.is_empty()
            && url::Url::parse(&with_scheme).map_or(true, |u| u.host_str().is_none())
        {
            // Not echoed: a proxy address may carry a password.
            return Err(
                CmdError::usage(format!("{var} is not a proxy address")).with_fix(format!(
                    "set {var} to a URL such as http://proxy.example.com:3128, or unset it"
                )),
            );
        }
    }
    if std::env::var_os(crate::stores::config_dir::ENV_CONFIG_DIR)
        .is_some_and(|v| v.to_str().is_none())
    {
        return Err(CmdError::usage(format!(
            "{} is not valid text",
            crate::stores::config_dir::ENV_CONFIG_DIR
        ))
        .with_fix("set it to a folder path, or pass --config-dir"));
    }
    Ok(())
}

fn no_terminal() -> CmdError {
    CmdError::usage("no terminal for the interactive app")
        .with_fix("use a command with --non-interactive, e.g. oauth-setup setup --non-interactive ... (see oauth-setup --help)")
}

/// `setup` options that only the command-line setup takes.
fn wizard_cannot_take(a: &crate::cli::args::SetupArgs) -> bool {
    a.issuer.is_some() || !a.redirect_uri.is_empty() || a.public_client || a.sign_in.no_browser
}

/// Which screen of the app a command opens, if any: only in a terminal, and only without the
/// options that make it a script.
fn interactive_entry(command: Option<&Command>, ctx: &Ctx) -> Result<Option<Entry>, CmdError> {
    let terminal = crate::tui::has_terminal();
    let entry = match command {
        None => Entry::Start,
        // Options the wizard has no step for run the command-line setup instead.
        Some(Command::Setup(a)) if !a.non_interactive && !wizard_cannot_take(a) => {
            if !terminal {
                return Err(no_terminal());
            }
            Entry::Wizard(Box::new(Prefill {
                provider: a.provider.clone(),
                instance: a.instance.clone(),
                client_name: a.client_name.clone(),
                login: a.login.clone(),
                first_name: a.contact_first_name.clone(),
                last_name: a.contact_last_name.clone(),
                email: a.contact_email.clone(),
                scopes: a.scopes.clone(),
                client_id: a.client_id.clone(),
                // Only a grant the user named is given: the app asks otherwise.
                grant: a.grant_type.clone(),
            }))
        }
        Some(Command::Rotate(a))
            if terminal && !a.non_interactive && !a.rollback && !a.secret.given() =>
        {
            Entry::Rotate(a.profile.clone())
        }
        // `edit NAME` alone, in a terminal: the app's edit of the profile.
        Some(Command::Edit(a))
            if terminal && !a.setup.non_interactive && a.setup.gives_nothing() =>
        {
            Entry::Edit(a.name.clone())
        }
        Some(Command::Verify(a)) if !a.non_interactive && !a.json && terminal => {
            Entry::Verify(verify::verify_names(a, &ctx.accounts.load()?)?)
        }
        _ => return Ok(None),
    };
    if !terminal {
        return Err(no_terminal());
    }
    Ok(Some(entry))
}

async fn run_app(ctx: &Ctx, entry: Entry, colour: bool) -> Result<(), CmdError> {
    let deps = Deps {
        // The app owns the screen: a password manager's command gets no terminal to write on.
        accounts: ctx.accounts.clone().with_detached_commands(),
        client: ctx.client()?,
    };
    // An unreadable profiles file is the same usage error as for `list` (exit 2), named before
    // the app takes the screen.
    let profiles = ctx.accounts.load()?;
    let ending = crate::tui::run(entry, deps, profiles, Theme { color: colour })
        .await
        .map_err(|e| {
            CmdError::new(
                ExitCode::Internal,
                format!("the interactive app failed: {e}"),
            )
        })?;
    match (ending.exit_code(), ending.farewell()) {
        (ExitCode::Ok, note) => {
            if let Some(line) = note {
                crate::tell!("{line}");
            }
            Ok(())
        }
        (ExitCode::Cancelled, note) => {
            if let Some(line) = note {
                crate::tell!("{line}");
            }
            Err(CmdError::new(ExitCode::Cancelled, ""))
        }
        (code, note) => Err(CmdError::new(code, note.unwrap_or_default())),
    }
}

impl Ctx {
    /// The config folder, presets, stores and HTTP settings the global options and the
    /// environment name, checked up front; what a crashed writer left is cleaned away.
    fn from_options(
        config_dir: Option<std::path::PathBuf>,
        timeout: u64,
        ca_file: Option<std::path::PathBuf>,
        no_color: bool,
    ) -> Result<Self, CmdError> {
        let dir = ConfigDir::resolve(config_dir).map_err(|e| CmdError::usage(e.to_string()))?;
        check_environment()?;
        crate::rules::provider::install_user_presets(&dir.providers_path()).map_err(|e| {
            CmdError::usage(e.to_string())
                .with_fix("fix the file, or move it out of the providers folder")
        })?;
        let keyring_timeout =
            SecretStores::timeout_from_env().map_err(|e| CmdError::usage(e.to_string()))?;
        crate::stores::secret_store::command::check_timeout()
            .map_err(|e| CmdError::usage(e.to_string()))?;
        crate::stores::secret_store::seconds_from_env(
            crate::stores::config_dir::ENV_LOCK_TIMEOUT,
            30,
        )
        .map_err(|e| CmdError::usage(e.to_string()))?;
        let http = HttpOptions {
            timeout: Duration::from_secs(timeout),
            connect_timeout: Duration::from_secs(timeout.min(10)),
            ca_file,
            extra_ca_file: None,
        };
        let ctx = Self {
            accounts: Accounts::new(dir, keyring_timeout).with_http(http.clone()),
            http,
            style: Style::detect(no_color),
        };
        ctx.accounts.profiles().clean_after_crash();
        Ok(ctx)
    }

    pub fn account_error(&self, e: AccountError, profile: &str) -> CmdError {
        match e {
            AccountError::Store(s) => CmdError::store(&s, self.accounts.dir(), profile),
            AccountError::Profile(p) => p.into(),
            other => CmdError::usage(format!("{other}; nothing was changed")),
        }
    }

    /// The secret for one run of `token` (or a check), as a command's error when it fails.
    pub async fn secret_for_run(
        &self,
        name: &str,
        profile: &Profile,
    ) -> Result<Option<crate::rules::secret::ClientSecret>, CmdError> {
        self.accounts
            .secret_for_run(profile)
            .await
            .map(|(secret, _)| secret)
            .map_err(|e| match e {
                RunSecretError::Environment(f) => CmdError::usage(f.message),
                RunSecretError::Store(s) => CmdError::store(&s, self.accounts.dir(), name),
            })
    }

    pub fn client(&self) -> Result<TokenClient, CmdError> {
        Ok(TokenClient::new(self.http.clone())?)
    }

    /// Print and apply permission fixes before anything reads the files.
    pub fn fix_permissions(&self) -> Result<Vec<String>, CmdError> {
        let fixed = self.accounts.profiles().fix_permissions()?;
        for f in &fixed {
            crate::tell!("{} {f}", self.style.warn("warning:"));
        }
        Ok(fixed)
    }
}

pub fn unknown_profile(name: &str, file: &ProfilesFile) -> CmdError {
    let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
    let fix = if known.is_empty() {
        "create one with: oauth-setup setup --non-interactive ... (see oauth-setup setup --help)"
            .to_string()
    } else {
        format!("known profiles: {}", known.join(", "))
    };
    CmdError::usage(format!("no profile named \"{name}\"")).with_fix(fix)
}

/// The profile to act on: the one named, else the default.
/// One profile, for a command that needs no other (`token`, `exec`): read through the index
/// without parsing the others when it can tell, else from the whole file, which also words
/// every error as before.
pub fn one_profile(ctx: &Ctx, name: Option<&str>) -> Result<(String, Profile), CmdError> {
    if let Some(found) = ctx.accounts.profiles().quick(name) {
        return Ok(found);
    }
    let file = ctx.accounts.load()?;
    let (name, profile) = pick_profile(name, &file)?;
    Ok((name.to_string(), profile.clone()))
}

pub fn pick_profile<'a>(
    name: Option<&'a str>,
    file: &'a ProfilesFile,
) -> Result<(&'a str, &'a Profile), CmdError> {
    let name = match name.or(file.default_profile.as_deref()) {
        Some(n) => n,
        None => {
            return Err(
                CmdError::usage("no profile given and no default profile is set")
                    .with_fix("name a profile, or mark one with setup --default"),
            );
        }
    };
    file.profiles
        .get_key_value(name)
        .map(|(k, p)| (k.as_str(), p))
        .ok_or_else(|| unknown_profile(name, file))
}
