//! Exit codes, stable for scripts (documented in `--help` and the README).

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    Ok = 0,
    Internal = 1,
    Usage = 2,
    SecretStore = 3,
    Rejected = 4,
    Network = 5,
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
  130  cancelled: Ctrl+C, Esc out of the app before saving, or SIGINT/SIGTERM
With several profiles, the code is that of the first profile that failed.";
