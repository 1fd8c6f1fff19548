//! The event loop: draw, wait for input or a result, update, run the commands. Network and
//! keyring work runs in tasks that report back through one channel; no state is shared.

use std::io;
use std::time::Duration;

use futures_util::StreamExt;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use super::app::{App, Entry};
use super::command::SignInJob;
use super::command::{Command, Ending};
use super::msg::Msg;
use super::widgets::theme::Theme;
use terminal::TerminalGuard;

mod manage;
mod signals;
pub(crate) mod terminal;
use crate::flows::rotate::{self, Rotation};
use crate::flows::sign_in::{Attempt, Progress, SignInError, SignedIn, Way};
use crate::flows::verify::{check_each_and_record, unreadable_file};
use crate::protocol::token::{Surface, TokenClient, test_credentials};
use crate::rules::secret::ClientSecret;
use crate::session::status::{SessionStatus, session_status};
use crate::stores::account::Accounts;
use crate::stores::profile::{Profile, ProfilesFile};
use signals::Signals;

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
    sign_in: Option<(JoinHandle<()>, UnboundedSender<String>)>,
    /// The running rotation's stop: sending (or dropping) it stops it before it stores.
    rotate: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Run the app on `profiles` (read by the caller, which words a broken file) until the user
/// leaves.
pub async fn run(
    entry: Entry,
    deps: Deps,
    profiles: ProfilesFile,
    theme: Theme,
) -> io::Result<Ending> {
    let dir = deps.accounts.dir().clone();
    let (mut app, first) = App::new(entry, profiles, dir, theme, crate::stores::vault::env());
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut exec = Executor {
        deps,
        tx,
        test_task: None,
        verify_task: None,
        sign_in: None,
        rotate: None,
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
            let (on_screen, commands): (Vec<_>, Vec<_>) = app
                .update(msg)
                .into_iter()
                .partition(|c| matches!(c, Command::ShowAlone(_) | Command::CopyToClipboard(_)));
            for c in on_screen {
                match c {
                    Command::ShowAlone(text) => guard.show_alone(&text, &mut events).await?,
                    Command::CopyToClipboard(text) => guard.copy(&text)?,
                    _ => {}
                }
            }
            if let Some(ending) = exec.run_all(commands) {
                break 'frames ending;
            }
        }
    };
    exec.cancel_test();
    exec.cancel_verify();
    exec.cancel_sign_in();
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
            Command::Test { attempt, request } => self.start_test(attempt, request),
            Command::CancelTest => self.cancel_test(),
            Command::SignIn { attempt, job } => self.start_sign_in(attempt, *job),
            // The frame loop runs these on the terminal it holds.
            Command::ShowAlone(_) | Command::CopyToClipboard(_) => {}
            Command::SignInPaste(text) => {
                if let Some((_, paste)) = &self.sign_in {
                    let _ = paste.send(text);
                }
            }
            Command::CancelSignIn => self.cancel_sign_in(),
            Command::Save {
                new,
                secret,
                session,
            } => self.reply_blocking(move || {
                Msg::Saved(accounts.create_with(&new, secret.as_ref(), session.as_deref()))
            }),
            Command::SaveSession { name, session } => {
                self.reply_blocking(move || {
                    Msg::SessionSaved(save_session(&accounts, &name, &session))
                });
            }
            Command::Rotate {
                attempt,
                name,
                profile,
                secret,
            } => self.rotate(attempt, name, *profile, secret),
            Command::CancelRotate => self.rotate = None,
            Command::Verify { names } => self.verify(names),
            Command::CancelVerify => self.cancel_verify(),
            Command::Delete { name } => self.reply_blocking(move || Msg::Deleted {
                result: accounts.delete(&name),
                name,
            }),
            Command::Discover { attempt, issuer } => self.discover(attempt, issuer),
            Command::PlanImport { path, request } => self.plan_import(path, request),
            Command::Import { prepared } => self.import(*prepared),
            Command::CheckVault { attempt, at } => self.reply_blocking(move || Msg::VaultChecked {
                attempt,
                result: accounts.vault_preflight(&at),
            }),
            Command::LoadProfiles => self.reply_blocking(move || Msg::Profiles(accounts.load())),
            Command::Describe { .. }
            | Command::ReadForEdit { .. }
            | Command::SaveEdit { .. }
            | Command::Rename { .. }
            | Command::Copy { .. }
            | Command::MakeDefault { .. } => self.manage(cmd),
            Command::LoadStatuses => {
                self.reply_blocking(move || Msg::Statuses(statuses(&accounts)))
            }
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

    fn start_test(&mut self, attempt: u64, request: crate::protocol::token::ClientSide) {
        self.cancel_test();
        let (client, tx) = (self.deps.client.clone(), self.tx.clone());
        self.test_task = Some(tokio::spawn(async move {
            let result = test_credentials(&client, &request).await;
            let _ = tx.send(Msg::TestDone {
                attempt,
                result: Box::new(result),
            });
        }));
    }

    /// A rotation in a task, its reports and result as messages. It is never aborted: a
    /// refresh may have replaced the refresh token, which must be kept; a stop is a request.
    fn rotate(&mut self, attempt: u64, name: String, profile: Profile, secret: ClientSecret) {
        let (stop, stopped) = tokio::sync::oneshot::channel();
        self.rotate = Some(stop);
        let (deps, tx) = (self.deps.clone(), self.tx.clone());
        tokio::spawn(async move {
            let report = tx.clone();
            let on = move |update| {
                let _ = report.send(Msg::RotateProgress { attempt, update });
            };
            let rotation = Rotation {
                name: &name,
                client_id: profile.client_id.clone(),
                profile: &profile,
                secret,
            };
            let cancel = async {
                let _ = stopped.await;
            };
            let result = rotate::run(&deps.accounts, &deps.client, rotation, on, cancel).await;
            let _ = tx.send(Msg::Rotated {
                attempt,
                result: Box::new(result),
            });
        });
    }

    /// A sign-in in a task: its reports and result come back as messages; pastes go to it
    /// through a channel of its own.
    fn start_sign_in(&mut self, attempt: u64, job: SignInJob) {
        self.cancel_sign_in();
        let (client, tx) = (self.deps.client.clone(), self.tx.clone());
        let accounts = self.deps.accounts.clone();
        let (paste_tx, paste_rx) = unbounded_channel();
        let task = tokio::spawn(async move {
            let report = tx.clone();
            let on = move |update: Progress| {
                let _ = report.send(Msg::SignInProgress {
                    attempt,
                    update,
                    at: std::time::Instant::now(),
                });
            };
            let result = match with_stored_secret(accounts, job).await {
                Ok(job) => run_sign_in(&client, job, on, paste_rx).await,
                Err(e) => Err(e),
            };
            let _ = tx.send(Msg::SignedIn {
                attempt,
                result: Box::new(result),
            });
        });
        self.sign_in = Some((task, paste_tx));
    }

    /// Read and check a profile file: nothing in it is contacted or run yet; the answer is the
    /// plan the user confirms (`Msg::ImportPlanned`).
    fn plan_import(&self, path: String, request: crate::flows::import::Request) {
        let tx = self.tx.clone();
        let accounts = self.deps.accounts.clone();
        tokio::task::spawn_blocking(move || {
            let env = |k: &str| std::env::var(k).ok();
            let home = crate::stores::config_dir::home_dir();
            let path = crate::flows::import::expand_home(&path, home.as_deref());
            let result = crate::flows::import::read(&path).and_then(|shared| {
                crate::flows::import::prepare(&accounts, &shared, &request, &env)
            });
            let _ = tx.send(Msg::ImportPlanned(Box::new(result)));
        });
    }

    /// Import a file whose plan the user confirmed, in a task (it may test the secret live).
    fn import(&self, prepared: crate::flows::import::Prepared) {
        let (client, tx) = (self.deps.client.clone(), self.tx.clone());
        let accounts = self.deps.accounts.clone();
        tokio::spawn(async move {
            let consent = crate::flows::import::Consent {
                confirmed: true,
                ..Default::default()
            };
            let result = crate::flows::import::import(&accounts, &client, prepared, &consent).await;
            let _ = tx.send(Msg::Imported(Box::new(result)));
        });
    }

    fn discover(&self, attempt: u64, issuer: String) {
        let (client, tx) = (self.deps.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = crate::protocol::discovery::discover(&client, &issuer).await;
            let _ = tx.send(Msg::Discovered {
                attempt,
                result: Box::new(result),
            });
        });
    }

    fn cancel_sign_in(&mut self) {
        if let Some((task, _)) = self.sign_in.take() {
            task.abort();
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
                    let each = |index, report| {
                        let report = Box::new(report);
                        let _ = tx.send(Msg::Verified { index, report });
                    };
                    let (accounts, client) = (&deps.accounts, &deps.client);
                    check_each_and_record(accounts, file, &names, client, Surface::App, each).await
                }
            };
            let _ = tx.send(Msg::VerifyDone(recorded));
        }));
    }
}

/// The job with its profile's stored secret, when it signs in again for a saved profile.
async fn with_stored_secret(
    accounts: Accounts,
    mut job: SignInJob,
) -> Result<SignInJob, SignInError> {
    let Some(profile) = job.secret_of.take() else {
        return Ok(job);
    };
    match accounts.secret_for_run(&profile).await {
        Ok((secret, _)) => {
            job.request.secret = secret;
            Ok(job)
        }
        Err(e) => Err(SignInError::NoSecret(e)),
    }
}

/// Run one sign-in of `job`'s grant. Cancelling is aborting the task.
async fn run_sign_in(
    client: &TokenClient,
    job: SignInJob,
    on: impl Fn(Progress),
    pasted: tokio::sync::mpsc::UnboundedReceiver<String>,
) -> Result<SignedIn, SignInError> {
    let attempt = Attempt {
        grant_type: job.grant,
        grant: &job.user_grant,
        request: job.request,
        way: Way {
            no_browser: false,
            paste: true,
            in_app: true,
        },
    };
    let never = std::future::pending::<()>();
    crate::flows::sign_in::run(client, attempt, on, pasted, never).await
}

/// Keep a new sign-in's tokens for profile `name`, as `login` does.
fn save_session(
    accounts: &Accounts,
    name: &str,
    session: &crate::session::Session,
) -> Result<(), crate::stores::account::AccountError> {
    let file = accounts.load()?;
    let profile = file
        .get(name)
        .ok_or_else(|| crate::stores::account::AccountError::Missing(name.to_string()))?;
    accounts.keep_sign_in(name, profile, session, None)
}

/// Every profile's token status, for the home screen.
fn statuses(accounts: &Accounts) -> Vec<(String, SessionStatus)> {
    let now = std::time::SystemTime::now();
    accounts
        .load()
        .map(|file| {
            file.profiles
                .iter()
                .map(|(n, p)| (n.clone(), session_status(accounts, p, now)))
                .collect()
        })
        .unwrap_or_default()
}
