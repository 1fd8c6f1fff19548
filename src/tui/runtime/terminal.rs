//! Entering and leaving full-screen mode. The terminal is restored on every way out: normal
//! return, error (Drop), panic (hook), and signals (the runtime turns them into a normal return).

use std::io::{self, Stdout, Write, stdout};
use std::sync::Once;

use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::clipboard::CopyToClipboard;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        let guard_on_error = RestoreOnDrop;
        execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
        let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
        std::mem::forget(guard_on_error);
        crate::base::out::hold_stderr();
        Ok(Self { terminal })
    }
}

impl TerminalGuard {
    /// `text` to the terminal's clipboard (OSC 52), where the terminal allows it.
    pub fn copy(&mut self, text: &str) -> io::Result<()> {
        execute!(stdout(), CopyToClipboard::to_clipboard_from(text))
    }

    /// `text` alone on the plain screen, wrapped by the terminal itself (so it copies as one
    /// line) and a link (OSC 8) where the terminal makes one; back on the next key.
    pub async fn show_alone(&mut self, text: &str, events: &mut EventStream) -> io::Result<()> {
        if crate::rules::sanitize::has_unsafe(text) {
            return Ok(());
        }
        execute!(stdout(), LeaveAlternateScreen, Show)?;
        {
            let mut out = stdout().lock();
            write!(
                out,
                "\r\n\x1b]8;;{text}\x1b\\{text}\x1b]8;;\x1b\\\r\n\r\n\
                 The address alone, to copy or open. Any key returns to oauth-setup.\r\n"
            )?;
            out.flush()?;
        }
        while let Some(event) = events.next().await {
            if matches!(event?, Event::Key(k) if k.kind == KeyEventKind::Press) {
                break;
            }
        }
        // Terminal::clear would ask the terminal for the cursor, whose answer the event
        // stream takes: clear the screen ourselves and forget both frames instead, so the next
        // frame is drawn whole.
        execute!(stdout(), EnterAlternateScreen, Clear(ClearType::All))?;
        self.terminal.swap_buffers();
        self.terminal.swap_buffers();
        Ok(())
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Restores if `enter` fails half-way.
struct RestoreOnDrop;

impl Drop for RestoreOnDrop {
    fn drop(&mut self) {
        restore();
    }
}

pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, Show);
    // What the program had to say on stderr meanwhile, now below the restored screen.
    crate::base::out::release_stderr();
}

/// Restore the terminal before the panic message is printed, so it is readable, then end the
/// process: a panic inside a background task would otherwise leave the app drawing on a
/// terminal that is no longer in full-screen mode, waiting for a result that never comes.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
            std::process::exit(101);
        }));
    });
}
