//! The OS credential store through keyring-core, every call under a timeout: a locked Secret
//! Service otherwise waits forever for an unlock prompt nobody can see.

use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry, Error};

use super::{KEYRING_SERVICE, StoreError};
use crate::rules::secret::Secret;

pub fn get(secret_ref: &str, timeout: Duration) -> Result<Secret, StoreError> {
    let user = secret_ref.to_string();
    run(timeout, move || {
        entry(&user)?.get_password().map(Secret::new)
    })
}

pub fn set(secret_ref: &str, secret: &Secret, timeout: Duration) -> Result<(), StoreError> {
    let user = secret_ref.to_string();
    let value = secret.clone();
    run(timeout, move || entry(&user)?.set_password(value.expose()))
}

pub fn delete(secret_ref: &str, timeout: Duration) -> Result<bool, StoreError> {
    let user = secret_ref.to_string();
    match run(timeout, move || entry(&user)?.delete_credential()) {
        Ok(()) => Ok(true),
        Err(StoreError::Missing { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

fn entry(user: &str) -> Result<Entry, Error> {
    Entry::new_in_store(&store()?, KEYRING_SERVICE, user)
}

fn store() -> Result<Arc<CredentialStore>, Error> {
    static STORE: OnceLock<Arc<CredentialStore>> = OnceLock::new();
    if let Some(s) = STORE.get() {
        return Ok(s.clone());
    }
    let s = platform_store()?;
    Ok(STORE.get_or_init(|| s).clone())
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<Arc<CredentialStore>, Error> {
    Err(Error::NotSupportedByStore(
        "no OS keyring is supported on this platform".into(),
    ))
}

/// Run a keyring call on its own thread and give up after `timeout`. A thread stuck in a hung
/// D-Bus call is abandoned; the process exits soon after anyway.
fn run<T: Send + 'static>(
    timeout: Duration,
    call: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, StoreError> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(call().map_err(|e| map_error(&e)));
    });
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(StoreError::KeyringTimeout {
            secs: timeout.as_secs(),
        }),
    }
}

fn map_error(e: &Error) -> StoreError {
    let detail = platform_detail(e);
    match e {
        Error::NoEntry => StoreError::Missing {
            store: "OS keyring".into(),
        },
        Error::NoStorageAccess(_) => {
            crate::base::log::debug(format_args!("keyring: {detail}"));
            StoreError::KeyringLocked {
                reason: "no unlocked collection, and the unlock prompt could not be shown".into(),
            }
        }
        Error::NoDefaultStore => StoreError::KeyringUnavailable { reason: detail },
        Error::TooLong(_, limit) => StoreError::TooLong { limit: *limit },
        Error::PlatformFailure(_) if no_bus(&detail) => StoreError::KeyringUnavailable {
            reason: format!("no D-Bus session bus or Secret Service is reachable ({detail})"),
        },
        _ => StoreError::Keyring { reason: detail },
    }
}

fn platform_detail(e: &Error) -> String {
    // Error layers often repeat their source's text; keep each piece once.
    let mut text = e.to_string();
    let mut cur = std::error::Error::source(e);
    while let Some(inner) = cur {
        let piece = inner.to_string();
        if !text.contains(&piece) {
            text.push_str(": ");
            text.push_str(&piece);
        }
        cur = inner.source();
    }
    text
}

fn no_bus(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    (d.contains("bus") || d.contains("dbus") || d.contains("d-bus"))
        && (d.contains("no such file")
            || d.contains("not found")
            || d.contains("connection refused")
            || d.contains("not provided by any")
            || d.contains("serviceunknown")
            || d.contains("address"))
}
