//! The event loop: draw, wait for input or a result, update, run the commands. Network and
//! keyring work runs in tasks that report back through one channel; no state is shared.

use std::io;
use std::time::Duration;

use futures_util::StreamExt;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use super::app::{App, Entry};
use super::command::{Command, Ending};
use super::msg::Msg;
use super::terminal::TerminalGuard;
use super::theme::Theme;
use crate::account::Accounts;
use crate::rotation::test_new_secret;
use crate::token::{TokenClient, test_credentials};
use crate::verify::{check_each_and_record, unreadable_file};

/// What the background work needs.
#[derive(Clone)]
pub struct Deps {
    pub accounts: Accounts,
    pub client: TokenClient,
}

/// Runs the commands of the pure update; at most one token test at a time.
struct Executor {
    deps: Deps,
    tx: UnboundedSender<Msg>,
    test_task: Option<JoinHandle<()>>,
    verify_task: Option<JoinHandle<()>>,
}

/// Run the app until the user leaves.
pub async fn run(entry: Entry, deps: Deps, theme: Theme) -> io::Result<Ending> {
    let profiles = deps
        .accounts
        .load()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let dir = deps.accounts.dir().clone();
    let (mut app, first) = App::new(entry, profiles, dir, theme);
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut exec = Executor {
        deps,
        tx,
        test_task: None,
        verify_task: None,
    };
    // An app that ends before it starts (an unknown profile) never takes the terminal.
    if let Some(ending) = exec.run_all(first) {
        return Ok(ending);
    }
    let mut guard = TerminalGuard::enter()?;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut signals = Signals::new()?;
    let ending = 'frames: loop {
        guard.terminal.draw(|f| app.render(f))?;
        let first = tokio::select! {
            event = events.next() => input(event)?,
            Some(msg) = rx.recv() => Some(msg),
            _ = tick.tick(), if app.wants_tick() => Some(Msg::Tick),
            () = signals.next() => Some(Msg::Terminate),
        };
        let typed = matches!(first, Some(Msg::Key(_) | Msg::Paste(_)));
        let mut batch: Vec<Msg> = first.into_iter().collect();
        if typed {
            batch.extend(more_input(&mut events).await?);
        }
        for msg in batch {
            if let Some(ending) = exec.run_all(app.update(msg)) {
                break 'frames ending;
            }
        }
    };
    exec.cancel_test();
    exec.cancel_verify();
    drop(guard);
    Ok(ending)
}

/// Input that follows within a moment, so a burst (a paste without bracketed paste, or typing
/// faster than frames) is handled in one frame instead of one frame per key. The screen still
/// updates during a long burst.
async fn more_input(events: &mut EventStream) -> io::Result<Vec<Msg>> {
    const GAP: Duration = Duration::from_millis(2);
    const FRAME: Duration = Duration::from_millis(40);
    let started = tokio::time::Instant::now();
    let mut more = Vec::new();
    while started.elapsed() < FRAME {
        match tokio::time::timeout(GAP, events.next()).await {
            Ok(None) => {
                more.push(Msg::Terminate);
                break;
            }
            Ok(event) => more.extend(input(event)?),
            Err(_) => break,
        }
    }
    Ok(more)
}

/// A terminal event as a message; `None` for events the app ignores.
fn input(event: Option<io::Result<Event>>) -> io::Result<Option<Msg>> {
    Ok(match event.transpose()? {
        Some(Event::Key(k)) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Some(Event::Paste(text)) => Some(Msg::Paste(text)),
        Some(Event::Resize(w, h)) => Some(Msg::Resize(w, h)),
        Some(_) => None,
        None => Some(Msg::Terminate),
    })
}

impl Executor {
    /// Run the commands in order; a `Quit` ends the app with its ending.
    fn run_all(&mut self, commands: Vec<Command>) -> Option<Ending> {
        commands.into_iter().find_map(|c| self.run(c))
    }

    fn run(&mut self, cmd: Command) -> Option<Ending> {
        let accounts = self.deps.accounts.clone();
        match cmd {
            Command::Test {
                attempt,
                request,
                rotating,
            } => self.start_test(attempt, request, rotating),
            Command::CancelTest => self.cancel_test(),
            Command::Save { new, secret } => {
                self.reply_blocking(move || Msg::Saved(accounts.create(&new, &secret)));
            }
            Command::Rotate {
                name,
                client_id,
                auth,
                secret,
            } => self.reply_blocking(move || {
                Msg::Rotated(accounts.replace_secret(&name, &client_id, auth, &secret))
            }),
            Command::Verify { names } => self.verify(names),
            Command::CancelVerify => self.cancel_verify(),
            Command::Delete { name } => self.reply_blocking(move || Msg::Deleted {
                result: accounts.delete(&name),
                name,
            }),
            Command::LoadProfiles => self.reply_blocking(move || Msg::Profiles(accounts.load())),
            Command::ProbeKeyring => {
                self.reply_blocking(move || Msg::KeyringProbed(accounts.probe_keyring()));
            }
            Command::Quit(ending) => return Some(ending),
        }
        None
    }

    /// Blocking work (keyring, files) on the blocking pool; its message comes back on the channel.
    fn reply_blocking(&self, work: impl FnOnce() -> Msg + Send + 'static) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = tx.send(work());
        });
    }

    fn start_test(
        &mut self,
        attempt: u64,
        request: crate::token::TokenRequest,
        rotating: Option<Box<(String, crate::profile::Profile)>>,
    ) {
        self.cancel_test();
        let (client, tx) = (self.deps.client.clone(), self.tx.clone());
        let accounts = self.deps.accounts.clone();
        let refreshes = rotating
            .as_ref()
            .is_some_and(|r| r.1.grant_type.is_user_grant());
        let task = tokio::spawn(async move {
            let result = match rotating.as_deref() {
                Some((name, profile)) => {
                    test_new_secret(&accounts, &client, name, profile, &request).await
                }
                None => test_credentials(&client, &request).await,
            };
            let _ = tx.send(Msg::TestDone {
                attempt,
                result: Box::new(result),
            });
        });
        // A refresh is never aborted halfway: the server may already have replaced the
        // refresh token. Esc then only discards the answer (the attempt number moved on).
        if !refreshes {
            self.test_task = Some(task);
        }
    }

    fn cancel_test(&mut self) {
        if let Some(t) = self.test_task.take() {
            t.abort();
        }
    }

    fn cancel_verify(&mut self) {
        if let Some(t) = self.verify_task.take() {
            t.abort();
        }
    }

    fn verify(&mut self, names: Vec<String>) {
        self.cancel_verify();
        let (deps, tx) = (self.deps.clone(), self.tx.clone());
        self.verify_task = Some(tokio::spawn(async move {
            let recorded = match deps.accounts.load() {
                // Not an empty file: that would report every profile as unknown.
                Err(e) => {
                    let report = unreadable_file(names.join(", "), &e);
                    let _ = tx.send(Msg::Verified {
                        index: 0,
                        report: Box::new(report),
                    });
                    Ok(())
                }
                Ok(file) => {
                    let each = |index, report: &_| {
                        let report = Box::new(Clone::clone(report));
                        let _ = tx.send(Msg::Verified { index, report });
                    };
                    check_each_and_record(&deps.accounts, &file, &names, &deps.client, each)
                        .await
                        .1
                }
            };
            let _ = tx.send(Msg::VerifyDone(recorded));
        }));
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
