//! Timeouts read from the environment, each a number of seconds from 1 to 600; a bad value is
//! refused with the variable's name rather than silently ignored.

use std::time::Duration;

/// A timeout variable holds no usable number of seconds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadTimeout {
    #[error("{0} is not valid text; set it to a number of seconds, e.g. 10")]
    NotText(&'static str),
    #[error("{0} is \"{1}\"; set it to a number of seconds from 1 to 600")]
    OutOfRange(&'static str, String),
}

/// A number of seconds (1 to 600) from the variable `var`, else `default`; anything else set
/// there is refused, so a typo is named rather than silently ignored.
pub fn seconds_from_env(var: &'static str, default: u64) -> Result<Duration, BadTimeout> {
    match std::env::var(var) {
        Err(std::env::VarError::NotPresent) => Ok(Duration::from_secs(default)),
        Err(std::env::VarError::NotUnicode(_)) => Err(BadTimeout::NotText(var)),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(s @ 1..=600) => Ok(Duration::from_secs(s)),
            _ => Err(BadTimeout::OutOfRange(var, v)),
        },
    }
}
