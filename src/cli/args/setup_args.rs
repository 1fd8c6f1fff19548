//! The options of `setup` (and the secret and sign-in options other commands share).

use std::path::PathBuf;

use clap::Args;

use super::StoreChoice;
use crate::rules::fields::SecretSource;

#[derive(Debug, Args)]
pub struct SecretArgs {
    /// Read the client secret from standard input (surrounding whitespace is trimmed)
    #[arg(long, conflicts_with = "client_secret_file")]
    pub client_secret_stdin: bool,
    /// Read the client secret from a file
    #[arg(long, value_name = "PATH")]
    pub client_secret_file: Option<PathBuf>,
}

impl SecretArgs {
    /// Where to read the secret: the option given, else the environment.
    pub fn source(&self) -> SecretSource {
        match (&self.client_secret_file, self.client_secret_stdin) {
            (_, true) => SecretSource::Stdin,
            (Some(path), false) => SecretSource::File(path.clone()),
            (None, false) => SecretSource::Environment,
        }
    }

    /// A secret option was given (`--client-secret-stdin` or `--client-secret-file`).
    pub fn option_given(&self) -> bool {
        self.client_secret_stdin || self.client_secret_file.is_some()
    }

    /// A secret was given for this run: an option, or `OAUTH_SETUP_CLIENT_SECRET`.
    pub fn given(&self) -> bool {
        self.option_given() || std::env::var_os(crate::rules::fields::ENV_CLIENT_SECRET).is_some()
    }
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Take every field from options; never prompt (without it, a terminal opens the wizard,
    /// with any fields given here filled in)
    #[arg(long)]
    pub non_interactive: bool,
    /// Profile name [default: from the instance, e.g. acme]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// A preset id: coupa, servicenow, generic, or one of yours in <config>/providers
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// Instance address (acme, acme.coupahost.com, https://...); for generic, the full token URL
    #[arg(long, value_name = "URL", conflicts_with = "issuer")]
    pub instance: Option<String>,
    /// For a server given by its token URL: its issuer, whose metadata gives the token URL
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// The grant type the client was created with: client-credentials, authorization-code (sign in
    /// in a browser) or device-code (sign in on any device with a code) [default:
    /// client-credentials; the app asks]
    #[arg(long, value_name = "TYPE")]
    pub grant_type: Option<String>,
    /// The client's Name in Coupa
    #[arg(long, value_name = "S")]
    pub client_name: Option<String>,
    /// The client's Login in Coupa (unique per instance)
    #[arg(long, value_name = "S")]
    pub login: Option<String>,
    /// First name of the person responsible for the client (Coupa's Contact First Name)
    #[arg(long, value_name = "S")]
    pub contact_first_name: Option<String>,
    /// Last name of that person (Coupa's Contact Last Name)
    #[arg(long, value_name = "S")]
    pub contact_last_name: Option<String>,
    /// That person's e-mail address (Coupa's Contact Email)
    #[arg(long, value_name = "S")]
    pub contact_email: Option<String>,
    /// Scopes, space- or comma-separated, e.g. "core.common.read core.invoice.read"
    #[arg(long, value_name = "LIST")]
    pub scopes: Option<String>,
    /// The client's Identifier
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    #[command(flatten)]
    pub secret: SecretArgs,
    /// post (id and secret in the form body) or basic (HTTP Basic) [default: the provider's]
    #[arg(long, value_name = "METHOD")]
    pub client_auth: Option<String>,
    /// Where the secret is kept [default: keyring]
    #[arg(long, value_enum)]
    pub secret_store: Option<StoreChoice>,
    /// Save even when the token test fails
    #[arg(long)]
    pub save_unverified: bool,
    /// Make this the default profile
    #[arg(long)]
    pub default: bool,
    /// Authorization code: a loopback redirect URI registered with the client, e.g.
    /// http://127.0.0.1:8765/callback; repeat it for fallbacks, tried in order (port 0: any free
    /// port, for servers that allow it) [default: ports 8765, 18765, 28765 on /callback]
    #[arg(long, value_name = "URI")]
    pub redirect_uri: Vec<String>,
    /// Authorization code: the client is public (no secret; PKCE alone protects the code)
    #[arg(long)]
    pub public_client: bool,
    #[command(flatten)]
    pub sign_in: SignInArgs,
    #[command(flatten)]
    pub vault: VaultArgs,
    /// --secret-store command: prints the secret on its first line, e.g. "pass show coupa/acme"
    /// or "op read op://vault/acme/secret" (split like a shell would, run without one)
    #[arg(long, value_name = "CMD")]
    pub secret_command: Option<String>,
    /// --secret-store command: receives a new secret on stdin (used by setup and rotate)
    #[arg(long, value_name = "CMD", requires = "secret_command")]
    pub secret_write_command: Option<String>,
}

impl SetupArgs {
    /// No option was given (the app asks for everything).
    pub fn gives_nothing(&self) -> bool {
        let texts = [
            &self.profile,
            &self.provider,
            &self.instance,
            &self.issuer,
            &self.grant_type,
            &self.client_name,
            &self.login,
            &self.contact_first_name,
            &self.contact_last_name,
            &self.contact_email,
            &self.scopes,
            &self.client_id,
            &self.client_auth,
            &self.secret_command,
            &self.secret_write_command,
            &self.vault.vault_addr,
            &self.vault.vault_mount,
            &self.vault.vault_path,
            &self.vault.vault_namespace,
        ];
        texts.iter().all(|t| t.is_none())
            && self.secret_store.is_none()
            && self.redirect_uri.is_empty()
            && !(self.secret.option_given()
                || self.save_unverified
                || self.default
                || self.public_client
                || self.sign_in.no_browser)
    }

    /// The store chosen, else the OS keyring.
    pub fn store(&self) -> StoreChoice {
        self.secret_store.unwrap_or(StoreChoice::Keyring)
    }
}

/// Where the secret goes with `--secret-store vault` (Vault or OpenBao, KV version 2). The token
/// comes from BAO_TOKEN / VAULT_TOKEN or the token file (BAO_TOKEN_PATH, ~/.vault-token).
#[derive(Debug, Args)]
pub struct VaultArgs {
    /// Vault or OpenBao address [default: $BAO_ADDR, else $VAULT_ADDR]
    #[arg(long, value_name = "URL")]
    pub vault_addr: Option<String>,
    /// The KV version 2 mount [default: secret]
    #[arg(long, value_name = "MOUNT")]
    pub vault_mount: Option<String>,
    /// The path below the mount [default: oauth-setup/<profile>]
    #[arg(long, value_name = "PATH")]
    pub vault_path: Option<String>,
    /// Vault namespace [default: $BAO_NAMESPACE, else $VAULT_NAMESPACE]
    #[arg(long, value_name = "NS")]
    pub vault_namespace: Option<String>,
}

#[derive(Debug, Args)]
pub struct SignInArgs {
    /// Do not open a browser: show the URL, and take the answer pasted (the address the browser
    /// was sent to, or the code) or on the loopback listener
    #[arg(long)]
    pub no_browser: bool,
}
