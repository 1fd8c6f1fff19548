//! The options of `edit`, `rename`, `copy` and `default`.

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use super::SetupArgs;
use super::profile_names;

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The profile to change
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub name: String,
    /// Every option of setup; only those given change the profile (a new secret with
    /// --client-secret-stdin or --client-secret-file, a new store with --secret-store)
    #[command(flatten)]
    pub setup: SetupArgs,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The profile's name now
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub old: String,
    /// Its new name
    pub new: String,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The profile to copy
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub from: String,
    /// The copy's name
    pub to: String,
    /// A secret in Vault or a password manager: the copy uses the same path or entry (a
    /// rotation of either then changes both) [default: Vault gets oauth-setup/<TO>; a password
    /// manager's entry cannot be copied]
    #[arg(long, conflicts_with = "vault_path")]
    pub share_secret: bool,
    /// A secret in Vault: the copy's path below the same mount [default: oauth-setup/<TO>]
    #[arg(long, value_name = "PATH")]
    pub vault_path: Option<String>,
}

#[derive(Debug, Args)]
pub struct DefaultArgs {
    /// The profile to use when a command names none
    #[arg(add = ArgValueCompleter::new(profile_names::profile_names))]
    pub profile: String,
}

pub(super) const EDIT_EXAMPLES: &str =
    "Options given change the profile at once, in a terminal too (as with
--non-interactive); `edit NAME` alone, in a terminal, opens the app's edit. --profile
is refused: rename with `oauth-setup rename`.

Examples:
  # Add a scope the administrator just granted (tested live first):
  oauth-setup edit acme --non-interactive \\
      --scopes \"core.common.read core.invoice.read core.invoice.write\"
  # Move the secret from the keyring to Vault:
  oauth-setup edit acme --non-interactive --secret-store vault
  # A new client id and its secret:
  printf '%s' \"$SECRET\" | oauth-setup edit acme --non-interactive \\
      --client-id acme-api-2 --client-secret-stdin
  # In a terminal, the app's edit of the saved profile:
  oauth-setup edit acme";

pub(super) const COPY_EXAMPLES: &str = "Examples:
  oauth-setup copy acme acme-ci
  oauth-setup copy acme-vault acme-vault-ci --vault-path team/acme-ci
  oauth-setup copy acme-vault acme-vault-ci --share-secret";
