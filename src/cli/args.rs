//! The command line (clap). Parsing only; the commands live in `commands`.

mod api_args;
mod manage_args;
mod profile_names;
mod setup_args;
mod token_args;

use api_args::API_EXAMPLES;
pub use api_args::ApiArgs;
use manage_args::{COPY_EXAMPLES, EDIT_EXAMPLES};
pub use manage_args::{CopyArgs, DefaultArgs, EditArgs, RenameArgs};
pub use setup_args::{SecretArgs, SetupArgs, SignInArgs, VaultArgs};
use token_args::{EXEC_EXAMPLES, TOKEN_EXAMPLES};
pub use token_args::{ExecArgs, InspectArgs, TokenArgs, TokenFormat};

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use crate::base::exit::EXIT_CODES_HELP;

#[derive(Debug, Parser)]
#[command(
    name = "oauth-setup",
    version,
    about = "Set up, rotate and verify OAuth 2.0 API client accounts (Coupa, ServiceNow, any OAuth 2.0 server).",
    long_about = "Set up, rotate and verify OAuth 2.0 API client accounts (Coupa, ServiceNow, any OAuth 2.0 server).\n\
                  Non-secret fields are kept in profiles.toml; the client secret in the OS keyring \
                  (or, by explicit choice, a private file).",
    after_help = EXIT_CODES_HELP,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Without a command, in a terminal: the interactive app (profiles, setup wizard, rotate,
    /// verify); `setup`, `rotate` and `verify` open their screen of it in a terminal too, unless
    /// given --non-interactive (or, for rotate, a secret; for verify, --json)
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config folder [default: $OAUTH_SETUP_CONFIG_DIR, else ~/.config/oauth-setup]
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help_heading = "Global options"
    )]
    pub config_dir: Option<PathBuf>,
    /// Total time allowed for one token request, in seconds (connecting gets at most 10 s)
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30, help_heading = "Global options",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Trust this PEM CA certificate (or bundle) besides the platform's trust store
    #[arg(
        long,
        global = true,
        value_name = "PEM",
        help_heading = "Global options"
    )]
    pub ca_file: Option<PathBuf>,
    /// No colour in the output (NO_COLOR is honoured too)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_color: bool,
    /// Log what is sent and received, with secrets and tokens redacted
    #[arg(short, long, global = true, action = ArgAction::Count, help_heading = "Global options")]
    pub verbose: u8,
}

/// `token` and `exec` alone, for [`parse`]: their arguments are the same types as in [`Cli`].
#[derive(Debug, Parser)]
#[command(
    name = "oauth-setup",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
struct HotCli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: HotCommand,
}

#[derive(Debug, Subcommand)]
enum HotCommand {
    #[command(disable_help_flag = true)]
    Token(TokenArgs),
    #[command(disable_help_flag = true)]
    Exec(ExecArgs),
}

/// The command line. `token` and `exec` run once per API call in scripts, and building the
/// parser of every command is most of their start-up, so they are parsed first by one that
/// knows only them; anything else (their `--help`, a mistake) goes to the full parser, which
/// answers as it always does.
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if matches!(args.get(1).and_then(|a| a.to_str()), Some("token" | "exec"))
        && let Ok(hot) = HotCli::try_parse_from(&args)
    {
        let command = match hot.command {
            HotCommand::Token(a) => Command::Token(a),
            HotCommand::Exec(a) => Command::Exec(a),
        };
        return Cli {
            global: hot.global,
            command: Some(command),
        };
    }
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let parsed = cmd
        .try_get_matches_from_mut(&args)
        .and_then(|mut m| <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut m))
        .map_err(|e| e.format(&mut cmd));
    // Freed at exit, not here: dropping the parser's many small allocations costs a tenth of
    // a short run.
    std::mem::forget(cmd);
    parsed.unwrap_or_else(|e| e.exit())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a profile: check every field, prove the credentials with a live token request, save
    #[command(after_help = SETUP_EXAMPLES)]
    Setup(Box<SetupArgs>),
    /// Change a saved profile: scopes, instance, client id, client authentication, redirect
    /// URIs, grant or secret store; a change the server sees is tested live before it is saved
    #[command(after_help = EDIT_EXAMPLES)]
    Edit(Box<EditArgs>),
    /// Give a profile a new name, keeping its secret, tokens, cache and history
    #[command(after_help = "Examples:\n  oauth-setup rename acme acme-prod")]
    Rename(RenameArgs),
    /// Copy a profile under a new name, with its own secret entry (or a shared Vault path or
    /// password-manager entry with --share-secret)
    #[command(after_help = COPY_EXAMPLES)]
    Copy(CopyArgs),
    /// Make a profile the default, the one used when a command names none
    #[command(
        after_help = "Examples:\n  oauth-setup default acme\n  oauth-setup list --json | jq -r .default_profile"
    )]
    Default(DefaultArgs),
    /// Replace a profile's client secret, only after the new one is proven to work
    #[command(after_help = ROTATE_EXAMPLES)]
    Rotate(RotateArgs),
    /// Check profiles layer by layer: file, permissions, secret, network and TLS, token, scopes
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Print an access token for scripts (the only command that prints a token)
    #[command(after_help = TOKEN_EXAMPLES)]
    Token(TokenArgs),
    /// Run a command with a valid access token in its environment (never in its arguments)
    #[command(after_help = EXEC_EXAMPLES)]
    Exec(ExecArgs),
    /// Call the provider's API with a profile's token, as gh api does: paths below the API
    /// base, fields, pages followed, jq filters
    #[command(after_help = API_EXAMPLES)]
    Api(Box<ApiArgs>),
    /// Show what a profile's token is, never the token: a JWT's claims (not verified), its
    /// expiry and audience, the scopes granted against those asked, or the server's
    /// introspection of an opaque token
    #[command(
        after_help = "Examples:\n  oauth-setup inspect acme\n  oauth-setup inspect acme --json | jq .scopes.missing"
    )]
    Inspect(InspectArgs),
    /// List the profiles
    #[command(
        after_help = "Examples:\n  oauth-setup list\n  oauth-setup list --json | jq -r '.profiles[].name'"
    )]
    List(ListArgs),
    /// Show one profile and where its secret is kept (never the secret)
    #[command(after_help = "Examples:\n  oauth-setup show acme\n  oauth-setup show acme --json")]
    Show(ShowArgs),
    /// Read a server's OAuth metadata (RFC 8414 / OpenID Connect discovery) and show its endpoints
    #[command(
        after_help = "Examples:\n  oauth-setup discover https://auth.example.com\n  oauth-setup discover https://auth.example.com --json | jq -r .token_endpoint"
    )]
    Discover(DiscoverArgs),
    /// Sign in again (authorization code or device code): a new refresh token, without changing
    /// the profile
    #[command(after_help = LOGIN_EXAMPLES)]
    Login(LoginArgs),
    /// Revoke and forget a profile's refresh token and cached access token; keep the profile
    #[command(after_help = "Examples:\n  oauth-setup logout acme")]
    Logout(LogoutArgs),
    /// Write a profile for a teammate: every field, no secret, token or local history
    #[command(
        after_help = "Examples:\n  oauth-setup export acme --output acme.profile.toml\n  oauth-setup import acme.profile.toml   # on the teammate's machine"
    )]
    Export(ExportArgs),
    /// Add a profile from a file written by export: shows what it would contact or run and
    /// asks first; a Vault or command store is tested at once
    #[command(
        after_help = "A file is data from someone else: nothing in it runs, and no credential goes to an\naddress in it, until you agree to that value. In a terminal, import shows every\nendpoint, Vault address and command line and asks; without one, name each value.\n\nExamples:\n  oauth-setup import acme.profile.toml\n  oauth-setup import acme.profile.toml --profile acme-ci --replace\n  oauth-setup import acme.profile.toml \\\n      --allow-endpoint https://acme.coupahost.com \\\n      --allow-command 'pass show coupa/acme'"
    )]
    Import(ImportArgs),
    /// Delete a profile and its stored secret
    #[command(after_help = "Examples:\n  oauth-setup delete acme\n  oauth-setup delete acme --yes")]
    Delete(DeleteArgs),
    /// Remove store entries that no profile uses (a secret or token left by a killed process)
    #[command(
        after_help = "Every command already tightens the folder's permissions and removes a crashed\nwrite's temporary files. doctor also finds the secrets, refresh tokens and cached\ntokens that no profile uses: those of the secrets file, and the keyring entries a\nkilled setup, import or delete left (the keyring is shared with other config\nfolders, so only entries this folder noted are touched).\n\nExamples:\n  oauth-setup doctor --dry-run\n  oauth-setup doctor"
    )]
    Doctor(DoctorArgs),
    /// Print the script that makes a shell complete commands, options and profile names
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Write the man pages, one per command
    #[command(
        after_help = "Examples:\n  oauth-setup man --dir ~/.local/share/man/man1 && man oauth-setup-token"
    )]
    Man(ManArgs),
}

const COMPLETIONS_EXAMPLES: &str =
    "Examples (the profile names come from profiles.toml as you type):
  echo 'source <(oauth-setup completions bash)' >> ~/.bashrc
  echo 'source <(oauth-setup completions zsh)' >> ~/.zshrc
  oauth-setup completions fish > ~/.config/fish/completions/oauth-setup.fish
  oauth-setup completions powershell >> $PROFILE
  echo 'eval (oauth-setup completions elvish | slurp)' >> ~/.config/elvish/rc.elv";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl Shell {
    /// The name clap_complete knows the shell by.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bash => "bash",
            Self::Zsh => "zsh",
            Self::Fish => "fish",
            Self::Powershell => "powershell",
            Self::Elvish => "elvish",
        }
    }
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write every page to, one per command (created when missing); without it,
    /// the main page goes to stdout (oauth-setup man | man -l -)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The profile (authorization code) to sign in again
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// A profile with no secret stored yet (an imported one) takes it here; it is kept once
    /// the sign-in has worked
    #[command(flatten)]
    pub secret: SecretArgs,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The profile whose refresh token is revoked and forgotten (the profile stays)
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreChoice {
    /// The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager)
    Keyring,
    /// A private file beside profiles.toml (0600, unencrypted)
    File,
    /// HashiCorp Vault or OpenBao (KV version 2), shared by a team
    Vault,
    /// A password manager, through --secret-command (and --secret-write-command)
    Command,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The profile whose secret is replaced
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
    /// Never open the rotate screen; the secret must come from stdin, a file or the environment
    #[arg(long)]
    pub non_interactive: bool,
    #[command(flatten)]
    pub secret: SecretArgs,
    /// A new client id, when the client was re-created
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Vault store: put the previous version of the secret back, after testing it live
    #[arg(long, conflicts_with_all = ["client_secret_stdin", "client_secret_file"])]
    pub rollback: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Profiles to verify [default: the default profile]
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profiles: Vec<String>,
    /// Plain text even in a terminal (a terminal otherwise opens the verify screen)
    #[arg(long)]
    pub non_interactive: bool,
    /// Verify every profile
    #[arg(long, conflicts_with = "profiles")]
    pub all: bool,
    /// A stable JSON document (schema_version 1) instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The server's issuer URL, e.g. https://auth.example.com
    pub issuer: String,
    /// A JSON document (schema_version 1) instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// A JSON document (schema_version 1) instead of the table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The profile to show
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
    /// A JSON document instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The profile to write
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
    /// Write to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file written by oauth-setup export
    pub file: PathBuf,
    /// Save it under this name [default: the name in the file]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Replace a profile of that name
    #[arg(long)]
    pub replace: bool,
    /// Make it the default profile
    #[arg(long)]
    pub default: bool,
    /// Agree that this address (its https://host:port) receives credentials; repeatable.
    /// Needed without a terminal for every endpoint in the file
    #[arg(long, value_name = "URL")]
    pub allow_endpoint: Vec<String>,
    /// Agree that this exact command line from the file runs; repeatable. Needed without a
    /// terminal for every command in the file
    #[arg(long, value_name = "COMMAND")]
    pub allow_command: Vec<String>,
    /// Agree that the file's Vault address receives your Vault token (not needed when it is
    /// your BAO_ADDR / VAULT_ADDR)
    #[arg(long, value_name = "URL")]
    pub allow_vault: Vec<String>,
    /// Use your own Vault address instead of the file's
    #[arg(long, value_name = "URL")]
    pub vault_addr: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// List what would be removed, remove nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The profile to delete, with its stored secret
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
    /// Do not ask for confirmation
    #[arg(long)]
    pub yes: bool,
}

// Examples are copied into shells, so each line stays under 76 columns: clap wraps help to the
// terminal, and a wrapped command line runs as two broken ones.
const SETUP_EXAMPLES: &str = "Examples:
  # Coupa, secret piped in (never on the command line):
  printf '%s' \"$SECRET\" | oauth-setup setup --non-interactive \\
      --provider coupa --instance acme \\
      --scopes \"core.common.read core.invoice.read\" \\
      --client-id 3f2a... --client-secret-stdin
  # CI: the secret from the environment, kept in a private file:
  OAUTH_SETUP_CLIENT_SECRET=... oauth-setup setup --non-interactive \\
      --provider coupa --instance acme-test --scopes core.common.read \\
      --client-id 3f2a... --secret-store file
  # Coupa, authorization code: sign in in the browser, keep a refresh
  # token (register http://127.0.0.1:8765/callback with the client):
  oauth-setup setup --non-interactive --provider coupa --instance acme \\
      --grant-type authorization-code --client-id 3f2a... \\
      --scopes \"openid offline_access core.common.read\" \\
      --client-secret-stdin < secret.txt
  # Any OAuth 2.0 server: give the full token URL:
  oauth-setup setup --non-interactive --provider generic --profile corp \\
      --instance https://auth.example.com/oauth2/token \\
      --client-id app --client-secret-file ./secret

The secret comes from --client-secret-stdin, --client-secret-file or
OAUTH_SETUP_CLIENT_SECRET; no option takes the secret itself, so it never
shows in shell history or the process list.";

const ROTATE_EXAMPLES: &str = "Examples:
  printf '%s' \"$NEW_SECRET\" | oauth-setup rotate acme --client-secret-stdin
  oauth-setup rotate acme --client-secret-file ./new-secret \\
      --client-id 9b1c...

The new secret is tested first; the stored one is replaced only when the
test passes.";

const LOGIN_EXAMPLES: &str = "Examples:
  oauth-setup login acme
  # Over SSH: open the URL on your own machine, then paste the address
  # the browser ends on (its page may say it cannot connect):
  oauth-setup login acme --no-browser";

const VERIFY_EXAMPLES: &str = "Examples:
  oauth-setup verify acme
  oauth-setup verify --all --json | jq '.profiles[] | {name, ok}'";

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick parser reads `token` and `exec` exactly as the full one does, and leaves help,
    /// version and every mistake to it.
    #[test]
    fn the_quick_parser_agrees_with_the_full_one() {
        let same = [
            "token",
            "token acme",
            "token acme --format env --env A --env B",
            "token --check --min-valid 10m",
            "token acme -v --config-dir /tmp/x --timeout 5 --no-color --ca-file ca.pem",
            "token acme --write-file /tmp/t --format exec-credential",
            "exec acme -- sh -c true",
            "exec acme --keep-fresh -- ./job --flag",
            "exec acme --env X --min-valid 5m ls -la",
            "exec -v acme -- env",
        ];
        for line in same {
            let argv: Vec<&str> = std::iter::once("oauth-setup")
                .chain(line.split(' '))
                .collect();
            let hot = HotCli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{line}: {e}"));
            let full = Cli::try_parse_from(&argv).unwrap();
            let hot_cmd = match hot.command {
                HotCommand::Token(a) => Command::Token(a),
                HotCommand::Exec(a) => Command::Exec(a),
            };
            assert_eq!(
                format!("{:?}", hot.global),
                format!("{:?}", full.global),
                "{line}"
            );
            assert_eq!(
                format!("{hot_cmd:?}"),
                format!("{:?}", full.command.unwrap()),
                "{line}"
            );
        }
        let left_to_the_full_parser = [
            "token --help",
            "token -h",
            "exec --help",
            "token --version",
            "token acme --format nope",
            "token acme --check --no-cache",
            "exec acme",
            "token a b",
        ];
        for line in left_to_the_full_parser {
            let argv: Vec<&str> = std::iter::once("oauth-setup")
                .chain(line.split(' '))
                .collect();
            assert!(HotCli::try_parse_from(&argv).is_err(), "{line}");
        }
    }

    #[test]
    fn every_option_and_argument_is_described() {
        use clap::CommandFactory;
        let cli = Cli::command();
        for sub in cli.get_subcommands() {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                assert!(
                    arg.get_help().is_some(),
                    "{} {id} has no description",
                    sub.get_name()
                );
            }
        }
    }

    #[test]
    fn examples_fit_an_80_column_terminal_unwrapped() {
        for text in [
            SETUP_EXAMPLES,
            ROTATE_EXAMPLES,
            LOGIN_EXAMPLES,
            VERIFY_EXAMPLES,
            TOKEN_EXAMPLES,
        ] {
            for line in text.lines() {
                assert!(line.chars().count() <= 76, "{line:?} would wrap");
            }
        }
    }
}
