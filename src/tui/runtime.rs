//! The event loop: draw, wait for input or a result, update, run the commands. Network and
//! keyring work runs in tasks that report back through one channel; no state is shared.

use std::io;
use std::time::Duration;

use futures_util::StreamExt;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use super::app::{App, Entry};
use super::command::Command;
use super::msg::{KEYRING_PREFIX, Msg, Saved};
use super::terminal::TerminalGuard;
use super::theme::Theme;
use crate::account::{self, AccountError};
use crate::config_dir::ConfigDir;
use crate::profile::ProfileStore;
use crate::secret_store::{SecretStores, StoreError};
use crate::token::{TokenClient, test_credentials};
use crate::verify::{Stores, check_and_record, unreadable_file};

/// What the background work needs.
#[derive(Clone)]
pub struct Deps {
    pub dir: ConfigDir,
    pub secrets: SecretStores,
    pub client: TokenClient,
}

impl Deps {
    fn profiles(&self) -> ProfileStore {
        ProfileStore::new(self.dir.clone())
    }
}

/// What the app leaves behind: a line to print once the terminal is back, and whether it failed.
pub struct Ending {
    pub farewell: Option<String>,
    pub failed: bool,
}

/// Run the app until the user leaves.
pub async fn run(entry: Entry, deps: Deps, theme: Theme) -> io::Result<Ending> {
    let profiles = deps
        .profiles()
        .load()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let (mut app, first) = App::new(entry, profiles, theme);
    if app.quit {
        return Ok(Ending {
            farewell: app.farewell,
            failed: app.failed,
        });
    }
    let mut guard = TerminalGuard::enter()?;
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut test_task: Option<JoinHandle<()>> = None;
    for cmd in first {
        execute(cmd, &deps, &tx, &mut test_task);
    }
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut signals = Signals::new()?;
    while !app.quit {
        guard.terminal.draw(|f| app.render(f))?;
        let msg = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Resize(w, h))) => Msg::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => Msg::Terminate,
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick(), if app.wants_tick() => Msg::Tick,
            () = signals.next() => Msg::Terminate,
        };
        for cmd in app.update(msg) {
            execute(cmd, &deps, &tx, &mut test_task);
        }
    }
    if let Some(t) = test_task {
        t.abort();
    }
    drop(guard);
    Ok(Ending {
        farewell: app.farewell,
        failed: app.failed,
    })
}

fn execute(
    cmd: Command,
    deps: &Deps,
    tx: &UnboundedSender<Msg>,
    test_task: &mut Option<JoinHandle<()>>,
) {
    let tx = tx.clone();
    match cmd {
        Command::Test { attempt, request } => {
            if let Some(t) = test_task.take() {
                t.abort();
            }
            let client = deps.client.clone();
            *test_task = Some(tokio::spawn(async move {
                let result = test_credentials(&client, &request).await;
                let _ = tx.send(Msg::TestDone {
                    attempt,
                    result: Box::new(result),
                });
            }));
        }
        Command::CancelTest => {
            if let Some(t) = test_task.take() {
                t.abort();
            }
        }
        Command::Save {
            name,
            profile,
            secret,
            make_default,
        } => {
            let deps = deps.clone();
            tokio::task::spawn_blocking(move || {
                let profiles = deps.profiles();
                let result = account::create(
                    &profiles,
                    &deps.secrets,
                    &name,
                    &profile,
                    &secret,
                    make_default,
                )
                .map(|()| Saved {
                    name: name.clone(),
                    profiles_path: profiles.path().display().to_string(),
                    secret_location: deps
                        .secrets
                        .describe(profile.secret_store, &profile.secret_ref),
                })
                .map_err(|e| describe(&e, &deps.dir));
                let _ = tx.send(Msg::Saved(result));
            });
        }
        Command::Rotate {
            name,
            client_id,
            auth,
            secret,
        } => {
            let deps = deps.clone();
            tokio::task::spawn_blocking(move || {
                let result = account::replace_secret(
                    &deps.profiles(),
                    &deps.secrets,
                    &name,
                    &client_id,
                    auth,
                    &secret,
                )
                .map_err(|e| describe(&e, &deps.dir));
                let _ = tx.send(Msg::Rotated(result));
            });
        }
        Command::Verify { names } => {
            let deps = deps.clone();
            tokio::spawn(async move {
                let profiles = deps.profiles();
                let reports = match profiles.load() {
                    // Not an empty file: that would report every profile as unknown.
                    Err(e) => vec![unreadable_file(names.join(", "), &e)],
                    Ok(file) => {
                        let stores = Stores {
                            secrets: deps.secrets.clone(),
                            dir: deps.dir.clone(),
                        };
                        check_and_record(&profiles, &file, &names, &deps.client, &stores)
                            .await
                            .0
                    }
                };
                let _ = tx.send(Msg::Verified(reports));
            });
        }
        Command::Delete { name } => {
            let deps = deps.clone();
            tokio::task::spawn_blocking(move || {
                let result = match account::delete(&deps.profiles(), &deps.secrets, &name) {
                    Ok(d) => match d.secret_removed {
                        Ok(_) => Ok(d.secret_location),
                        Err(e) => Err(format!(
                            "the profile is gone, but its secret is still in the {}: {e}",
                            d.secret_location
                        )),
                    },
                    Err(e) => Err(describe(&e, &deps.dir)),
                };
                let _ = tx.send(Msg::Deleted { name, result });
            });
        }
        Command::LoadProfiles => {
            let deps = deps.clone();
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(Msg::Profiles(
                    deps.profiles().load().map_err(|e| e.to_string()),
                ));
            });
        }
        Command::Quit => {}
    }
}

/// An account error as the screens show it; keyring trouble is marked so the save step can offer
/// the file store.
fn describe(e: &AccountError, dir: &ConfigDir) -> String {
    match e {
        AccountError::Store(
            s @ (StoreError::KeyringUnavailable { .. }
            | StoreError::KeyringTimeout { .. }
            | StoreError::KeyringLocked { .. }
            | StoreError::Keyring { .. }),
        ) => {
            format!("{KEYRING_PREFIX}{s}")
        }
        AccountError::Store(s) => format!("{s}; {}", s.fix(dir)),
        other => other.to_string(),
    }
}

/// SIGTERM and SIGINT (from outside; Ctrl+C in the app is a key) end the app cleanly.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> io::Result<Self> {
        Ok(Self {})
    }

    #[cfg(unix)]
    async fn next(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
