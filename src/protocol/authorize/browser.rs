//! Whether to open a browser, and opening it. The URL is always shown as well, so a user whose
//! browser is elsewhere can finish by pasting the answer.

use std::time::Duration;

/// Why no browser is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// `--no-browser`.
    Asked,
    /// An SSH session: a browser would open on the remote machine, or fail.
    Remote,
    /// Linux without a display (a server, a container).
    NoDisplay,
    /// `$BROWSER` is a text browser, which would take over the app's terminal.
    TextBrowser,
}

/// Browsers that run in the terminal.
const TEXT_BROWSERS: [&str; 6] = ["lynx", "w3m", "links", "elinks", "browsh", "www-browser"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserPlan {
    Open,
    Skip(SkipReason),
}

/// Decide from the environment (`var` reads one variable). An explicit `$BROWSER` is the user's
/// choice and is honoured even over SSH, except a text browser while the app owns the terminal.
pub fn plan_browser(
    no_browser: bool,
    in_app: bool,
    var: &dyn Fn(&str) -> Option<String>,
) -> BrowserPlan {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    if no_browser {
        return BrowserPlan::Skip(SkipReason::Asked);
    }
    if let Some(browser) = var("BROWSER").filter(|v| !v.is_empty()) {
        let first = browser.split(':').next().unwrap_or_default();
        let command = first.split_whitespace().next().unwrap_or_default();
        let name = command.rsplit('/').next().unwrap_or_default();
        if in_app && TEXT_BROWSERS.contains(&name) {
            return BrowserPlan::Skip(SkipReason::TextBrowser);
        }
        return BrowserPlan::Open;
    }
    if set("SSH_CONNECTION") || set("SSH_TTY") {
        return BrowserPlan::Skip(SkipReason::Remote);
    }
    let graphical = set("DISPLAY") || set("WAYLAND_DISPLAY") || set("WSL_DISTRO_NAME");
    if cfg!(target_os = "linux") && !graphical {
        return BrowserPlan::Skip(SkipReason::NoDisplay);
    }
    BrowserPlan::Open
}

/// Open `url` (http or https only: the `hardened` feature). A browser command that keeps running
/// (a text browser, a test's script) is left running; only a quick failure is reported.
pub async fn open_browser(url: &str) -> Result<(), OpenError> {
    // Only a web page goes to the browser: never file:, javascript: or data:, nor plain http
    // beyond loopback, whatever a profile or a server said.
    crate::rules::fields::parse_endpoint(
        crate::rules::fields::Field::Endpoints,
        "the sign-in page",
        url,
    )
    .map_err(OpenError::NotAWebPage)?;
    let url = url.to_string();
    let opened = tokio::task::spawn_blocking(move || {
        let mut options = webbrowser::BrowserOptions::new();
        options.with_suppress_output(true);
        webbrowser::open_browser_with_options(webbrowser::Browser::Default, &url, &options)
    });
    match tokio::time::timeout(Duration::from_secs(3), opened).await {
        Ok(Ok(Ok(()))) | Err(_) => Ok(()),
        Ok(Ok(Err(e))) => Err(OpenError::Launch(e.to_string())),
        Ok(Err(e)) => Err(OpenError::Launch(e.to_string())),
    }
}

/// Why no browser was opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The address is not one a browser may be given.
    #[error("{}", .0.message)]
    NotAWebPage(crate::rules::fields::FieldError),
    /// The system could not start a browser (its own message).
    #[error("{0}")]
    Launch(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn remote_and_headless_sessions_get_no_browser() {
        let plan = |no, pairs: &[(&str, &str)]| plan_browser(no, false, &env(pairs));
        assert_eq!(
            plan_browser(false, true, &env(&[("BROWSER", "/usr/bin/w3m %s")])),
            BrowserPlan::Skip(SkipReason::TextBrowser)
        );
        assert_eq!(
            plan(false, &[("BROWSER", "w3m")]),
            BrowserPlan::Open,
            "a shell may use it"
        );
        assert_eq!(
            plan(true, &[("BROWSER", "x")]),
            BrowserPlan::Skip(SkipReason::Asked)
        );
        assert_eq!(
            plan(false, &[("BROWSER", "x"), ("SSH_TTY", "/dev/pts/1")]),
            BrowserPlan::Open
        );
        assert_eq!(
            plan(false, &[("SSH_CONNECTION", "1 2 3 4"), ("DISPLAY", ":0")]),
            BrowserPlan::Skip(SkipReason::Remote)
        );
        assert_eq!(plan(false, &[("DISPLAY", ":0")]), BrowserPlan::Open);
        if cfg!(target_os = "linux") {
            assert_eq!(plan(false, &[]), BrowserPlan::Skip(SkipReason::NoDisplay));
            assert_eq!(
                plan(false, &[("DISPLAY", "")]),
                BrowserPlan::Skip(SkipReason::NoDisplay)
            );
        }
    }
}
