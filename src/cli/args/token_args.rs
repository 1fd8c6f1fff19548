//! The options of `token` and `exec`: the commands that hand a token to another program.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use super::profile_names;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenFormat {
    /// The token alone
    Raw,
    /// Authorization: Bearer <token>
    Header,
    /// access_token, token_type, expires_in, expires_at, scope
    Json,
    /// kubectl's ExecCredential (client.authentication.k8s.io/v1), for a kubeconfig exec entry
    ExecCredential,
    /// export lines for POSIX shells: eval "$(oauth-setup token acme --format env)"
    Env,
    /// set -gx lines for fish: oauth-setup token acme --format fish | source
    Fish,
    /// $Env: lines for PowerShell: oauth-setup token acme --format powershell | Invoke-Expression
    Powershell,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Profile [default: the default profile]
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: Option<String>,
    /// How the token is printed
    #[arg(long, value_enum, default_value_t = TokenFormat::Raw)]
    pub format: TokenFormat,
    /// How long the token must stay valid, e.g. 60s, 10m, 4h (a cached one that expires sooner
    /// is replaced)
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = humantime::parse_duration)]
    pub min_valid: Duration,
    /// Ask the server even when a cached token would do, and cache nothing
    #[arg(long)]
    pub no_cache: bool,
    /// The variables that --format env, fish and powershell set (repeatable) [default:
    /// BEARER_TOKEN, and the provider's own name where its preset has one, e.g.
    /// COUPA_ACCESS_TOKEN]
    #[arg(long = "env", value_name = "NAME")]
    pub env: Vec<String>,
    /// Write what would be printed to this file instead (created 0600, replaced atomically)
    #[arg(long, value_name = "PATH", conflicts_with = "check")]
    pub write_file: Option<PathBuf>,
    /// Only say whether a token valid for --min-valid is cached, without asking the server:
    /// exit 0 if one is, 6 if not. Prints no token
    #[arg(long, conflicts_with_all = ["no_cache", "format", "env"])]
    pub check: bool,
}

#[derive(Debug, Args)]
#[command(
    trailing_var_arg = true,
    override_usage = "oauth-setup exec [OPTIONS] <PROFILE> -- <COMMAND>..."
)]
pub struct ExecArgs {
    /// Profile
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
    /// How long the token must stay valid when the command starts, e.g. 60s, 10m, 4h (with
    /// --keep-fresh: how long before expiry the file is renewed)
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = humantime::parse_duration)]
    pub min_valid: Duration,
    /// The variables that get the token (repeatable) [default: BEARER_TOKEN, and the provider's
    /// own name where its preset has one, e.g. COUPA_ACCESS_TOKEN]
    #[arg(long = "env", value_name = "NAME", conflicts_with = "keep_fresh")]
    pub env: Vec<String>,
    /// For long jobs: keep a private token file fresh until the command ends, and give the
    /// command its path in BEARER_TOKEN_FILE (BEARER_TOKEN is unset, since WLCG token discovery
    /// reads it first). The file is in $XDG_RUNTIME_DIR, else a private temporary folder, and
    /// is removed when the command ends
    #[arg(long)]
    pub keep_fresh: bool,
    /// Ask the server even when a cached token would do, and cache nothing
    #[arg(long)]
    pub no_cache: bool,
    /// The command and its arguments, after --
    #[arg(required = true, value_name = "COMMAND", allow_hyphen_values = true, num_args = 1..)]
    pub command: Vec<std::ffi::OsString>,
}

pub const TOKEN_EXAMPLES: &str = "Examples:
  TOKEN=$(oauth-setup token acme)
  curl -H \"$(oauth-setup token acme --format header)\" \\
      \"https://acme.coupahost.com/api/currencies?limit=1\"
  eval \"$(oauth-setup token acme --format env)\"
  oauth-setup token acme --check --min-valid 10m || oauth-setup login acme
  oauth-setup token acme --write-file \"$XDG_RUNTIME_DIR/acme.token\"";

pub const EXEC_EXAMPLES: &str =
    "The command gets the token in BEARER_TOKEN (and the provider's own variable, e.g.
COUPA_ACCESS_TOKEN), never in its arguments. Its exit code is oauth-setup's; when no
token can be got, nothing runs and the exit code is token's.

Examples:
  oauth-setup exec acme -- sh -c 'curl -H \"Authorization: Bearer $BEARER_TOKEN\" \\
      https://acme.coupahost.com/api/currencies?limit=1'
  oauth-setup exec acme --env API_TOKEN -- ./sync.py
  oauth-setup exec acme --keep-fresh -- ./nightly-export.sh   # reads $BEARER_TOKEN_FILE";

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Profile [default: the default profile]
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: Option<String>,
    /// A stable JSON document (schema_version 1) instead of text
    #[arg(long)]
    pub json: bool,
    /// The token inspected is the one `token` would hand out with this --min-valid
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = humantime::parse_duration)]
    pub min_valid: Duration,
}
