//! Exit codes, stable for scripts (documented in `--help` and the README).

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    Ok = 0,
    Internal = 1,
    Usage = 2,
    SecretStore = 3,
    Rejected = 4,
    Network = 5,
    /// `token --check`: no cached token stays valid for `--min-valid` (nothing was asked).
    NotCached = 6,
    /// `api`: the API answered an error (HTTP 4xx or 5xx, or GraphQL `errors`).
    Api = 7,
    /// `exec`: the command was found but could not be run (as shells and env(1) say).
    CommandNotRun = 126,
    /// `exec`: no such command.
    CommandNotFound = 127,
    /// Cancelled by the user (Ctrl+C, Esc before saving) or interrupted by a signal, as shells
    /// expect of SIGINT (128 + 2), so `oauth-setup setup && next` stops.
    Cancelled = 130,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  ok
  1  internal error
  2  usage error, bad input, unknown profile or unreadable config
  3  secret store unusable, secret missing, or the disk is full
  4  credentials rejected by the server
  5  network, TLS, or a server that does not answer as OAuth
  6  token --check: no cached token stays valid for --min-valid
  7  api: the API answered an error (HTTP 4xx or 5xx, or a GraphQL answer with errors)
  126, 127  exec: the command could not be run, or was not found (otherwise exec
     exits with the command's own code, 128+N when signal N ended it)
  130  cancelled: Ctrl+C, Esc out of the app before saving, or SIGINT/SIGTERM
With several profiles, the code is that of the first profile that failed.";
